using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bytebot.Tests.Integration.Desktop;

/// <summary>Issue 13: a desktop program that is not installed is named, with its package and build/setup, by readiness.</summary>
[Collection(OneDesktopAtATime.Name)]
public sealed class MissingProgramTests
{
    [Fact]
    public async Task A_session_program_that_is_not_installed_makes_the_display_unready_naming_it_and_build_setup()
    {
        await using var host = await DesktopHost.StartAsync(new Dictionary<string, string?>
        {
            ["Desktop:Mode"] = "Managed",
            ["Desktop:Vnc"] = "false",
            ["Desktop:Session"] = "dbus-run-session -- bytebot-no-such-session",
        });

        var report = await host.WaitUntilAsync(r => r.Entries["display"].Description?.Contains("not installed", StringComparison.Ordinal) == true,
            "the missing session reported");

        report.Entries["display"].Status.ShouldBe(HealthStatus.Unhealthy);
        report.Entries["display"].Description.ShouldBe("bytebot-no-such-session is not installed (no such program on PATH): run build/setup.");
        host.Desktop.MissingPrograms.ShouldHaveSingleItem();
    }
}
