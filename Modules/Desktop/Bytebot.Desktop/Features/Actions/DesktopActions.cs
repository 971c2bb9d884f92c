using Bytebot.Desktop.Accessibility;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Apps;
using Bytebot.Desktop.Features.Files;
using Bytebot.Desktop.Ocr;
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
        ILoggerFactory loggers, ScreenReader text, AtSpiBus accessibility)
    {
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
}
