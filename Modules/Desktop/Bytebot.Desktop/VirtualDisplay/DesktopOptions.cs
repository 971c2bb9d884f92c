using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Bytebot.Desktop.VirtualDisplay;

internal enum DesktopMode
{
    Managed,
    External,
}

internal sealed class DesktopOptions
{
    public const string Section = "Desktop";
    public const int MinSize = 320;
    public const int MaxSize = 7680;

    public DesktopMode Mode { get; set; } = DesktopMode.Managed;
    public int Width { get; set; } = 1280;
    public int Height { get; set; } = 960;
    public IReadOnlyList<string> Session { get; set; } = ["dbus-run-session", "--", "xfce4-session"];
    public int VncPort { get; set; }
    public int DisplayNumber { get; set; }
    public bool Vnc { get; set; } = true;

    /// <summary>Width and Height as configured, before <see cref="ResolutionChoice"/> applied one.</summary>
    public Contracts.ScreenResolution? Configured { get; set; }

    /// <summary>The <c>DISPLAY</c> an External desktop uses.</summary>
    public string? ExternalDisplay { get; set; }

    public static void Bind(DesktopOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        options.ExternalDisplay = configuration["DISPLAY"] ?? Environment.GetEnvironmentVariable("DISPLAY");
        options.Mode = section.GetValue<DesktopMode?>(nameof(Mode))
            ?? (string.IsNullOrEmpty(options.ExternalDisplay) ? DesktopMode.Managed : DesktopMode.External);
        options.Width = section.GetValue(nameof(Width), options.Width);
        options.Height = section.GetValue(nameof(Height), options.Height);
        options.VncPort = section.GetValue(nameof(VncPort), options.VncPort);
        options.DisplayNumber = section.GetValue(nameof(DisplayNumber), options.DisplayNumber);
        options.Vnc = section.GetValue(nameof(Vnc), options.Vnc);

        // Environment variables can only carry a string, appsettings.json reads better as an array: accept both.
        var session = section.GetSection(nameof(Session));
        if (session.Value is { } line)
            options.Session = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        else if (session.GetChildren().Select(c => c.Value).OfType<string>().ToArray() is { Length: > 0 } words)
            options.Session = words;
    }
}

internal sealed class DesktopOptionsValidator : IValidateOptions<DesktopOptions>
{
    public ValidateOptionsResult Validate(string? name, DesktopOptions options)
    {
        List<string> errors = [];
        if (options.Width is < DesktopOptions.MinSize or > DesktopOptions.MaxSize)
            errors.Add($"Desktop:Width must be between {DesktopOptions.MinSize} and {DesktopOptions.MaxSize}, but is {options.Width}.");
        if (options.Height is < DesktopOptions.MinSize or > DesktopOptions.MaxSize)
            errors.Add($"Desktop:Height must be between {DesktopOptions.MinSize} and {DesktopOptions.MaxSize}, but is {options.Height}.");
        if (options.VncPort is < 0 or > 65535)
            errors.Add($"Desktop:VncPort must be 0 (pick a free port) or a TCP port, but is {options.VncPort}.");
        if (options.DisplayNumber < 0)
            errors.Add($"Desktop:DisplayNumber must be 0 (pick a free display from 99 up) or positive, but is {options.DisplayNumber}.");
        if (options.Mode == DesktopMode.Managed && options.Session.Count == 0)
            errors.Add("Desktop:Session must name a command, e.g. \"dbus-run-session -- xfce4-session\".");
        if (options.Mode == DesktopMode.External && string.IsNullOrWhiteSpace(options.ExternalDisplay))
            errors.Add("Desktop:Mode is External but DISPLAY is not set.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
