using Bytebot.Desktop.Accessibility;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Apps;
using Bytebot.Desktop.Features.Files;
using Bytebot.Desktop.Ocr;
using Bytebot.Secrets.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bytebot.Desktop.Features.Actions;

/// <summary>
/// The ports the action handlers run on. Public only because Wolverine's generated adapters name it from another
/// assembly; its members are internal, and no other module references this assembly (the boundary test).
/// </summary>
public sealed class DesktopActions
{
    internal DesktopActions(
        IDesktopDriver driver, ActionQueue queue, Workspace workspace, ICommandRunner runner,
        IDesktopEnvironment environment, IOptions<ComputerUseOptions> options, TimeProvider time,
        ILoggerFactory loggers, ScreenReader text, AtSpiBus accessibility, ISecretValues? secrets)
    {
        _secrets = secrets;
        Text = text;
        Accessibility = accessibility;
        Driver = driver;
        Queue = queue;
        Workspace = workspace;
        Runner = runner;
        Environment = environment;
        Options = options.Value;
        Time = time;
        Log = loggers.CreateLogger<DesktopActions>();
    }

    internal IDesktopDriver Driver { get; }

    internal ActionQueue Queue { get; }

    internal Workspace Workspace { get; }

    internal ICommandRunner Runner { get; }

    internal IDesktopEnvironment Environment { get; }

    internal ComputerUseOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Log { get; }

    internal ScreenReader Text { get; }

    internal AtSpiBus Accessibility { get; }

    private readonly ISecretValues? _secrets;

    /// <summary>
    /// The text to type with its <c>{{secret:name}}</c> references revealed: only here, at the moment of typing, so the
    /// action the caller recorded (and the model saw) holds the reference. An unknown name refuses the whole action.
    /// </summary>
    internal async Task<string> RevealAsync(string text, string field, CancellationToken cancellationToken)
    {
        if (!SecretReferences.Any(text))
            return text;
        if (_secrets is null)
            throw new ComputerActionRejectedException(field, "This host has no secrets vault to reveal {{secret:…}}.");
        try
        {
            return await _secrets.RevealAsync(text, cancellationToken);
        }
        catch (UnknownSecretException unknown)
        {
            throw new ComputerActionRejectedException(field, unknown.Message);
        }
    }
}
