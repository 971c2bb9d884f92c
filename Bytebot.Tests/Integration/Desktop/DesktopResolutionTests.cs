using System.Text.Json;
using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features.Display;
using Bytebot.Desktop.VirtualDisplay;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Desktop;

[Collection(OneDesktopAtATime.Name)]
public sealed class DesktopResolutionTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Managed = new()
    {
        ["Desktop:Mode"] = "Managed",
        ["Desktop:Session"] = "xfwm4",
    };

    private static readonly CaptureOptions FullScreen = new();

    private readonly string _dataDir = Directory.CreateTempSubdirectory("bytebot-resolution-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dataDir, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static Task<ScreenResolution> ChangeAsync(DesktopHost host, int width, int height) =>
        ChangeResolutionHandler.HandleAsync(
            new ChangeResolution(width, height), host.Services.GetRequiredService<DesktopScreen>(), Ct);

    private static Task<string> DimensionsAsync(DesktopHost host) =>
        LinuxProcesses.ScreenDimensionsAsync(host.Desktop.Display);

    [Fact]
    public async Task A_managed_desktop_changes_size_at_runtime_input_and_capture_follow_and_the_next_start_keeps_it()
    {
        await using (var host = await DesktopHost.StartAsync(Managed, _dataDir))
        {
            await host.WaitUntilHealthyAsync();
            var driver = host.Services.GetRequiredService<IDesktopDriver>();
            (await driver.GetScreenSizeAsync(Ct)).ShouldBe(new ScreenSize(1280, 960));
            (await DimensionsAsync(host)).ShouldStartWith("dimensions:    1280x960 pixels");
            var xvfb = host.Desktop.Xvfb!.Pid;

            (await ChangeAsync(host, 1920, 1080)).ShouldBe(new ScreenResolution(1920, 1080));

            (await DimensionsAsync(host)).ShouldStartWith("dimensions:    1920x1080 pixels");
            host.Desktop.Xvfb!.Pid.ShouldBe(xvfb, "the X server was restarted instead of resized");
            (host.Desktop.Width, host.Desktop.Height).ShouldBe((1920, 1080));
            (await driver.GetScreenSizeAsync(Ct)).ShouldBe(new ScreenSize(1920, 1080));
            var shot = await driver.ScreenshotAsync(FullScreen, Ct);
            (shot.Width, shot.Height).ShouldBe((1920, 1080));
            // Beyond the old 1280×960: the pointer lands on the exact pixel of the new screen.
            await driver.MoveMouseAsync(new ScreenPoint(1900, 1070), Ct);
            (await driver.GetCursorPositionAsync(Ct)).ShouldBe(new ScreenPoint(1900, 1070));
            DesktopRecord.Read(Path.Combine(host.DataDir, DesktopRecord.FileName))!.Width.ShouldBe(1920);

            (await ChangeAsync(host, 1024, 768)).ShouldBe(new ScreenResolution(1024, 768));
            (await DimensionsAsync(host)).ShouldStartWith("dimensions:    1024x768 pixels");
            shot = await driver.ScreenshotAsync(FullScreen, Ct);
            (shot.Width, shot.Height).ShouldBe((1024, 768));

            var rejected = await Should.ThrowAsync<ComputerActionRejectedException>(() => ChangeAsync(host, 1000, 768));
            rejected.Errors.Keys.ShouldBe(["width"]);
            rejected = await Should.ThrowAsync<ComputerActionRejectedException>(() => ChangeAsync(host, 1024, 600));
            rejected.Errors.Keys.ShouldBe(["height"]);
        }

        await using (var again = await DesktopHost.StartAsync(Managed, _dataDir))
        {
            await again.WaitUntilHealthyAsync();
            (again.Desktop.Width, again.Desktop.Height).ShouldBe((1024, 768));
            (await DimensionsAsync(again)).ShouldStartWith("dimensions:    1024x768 pixels");
        }

        // A changed configuration wins over the choice made under the old one.
        var configured = new Dictionary<string, string?>(Managed)
        {
            ["Desktop:Width"] = "1600",
            ["Desktop:Height"] = "1200",
        };
        await using (var reconfigured = await DesktopHost.StartAsync(configured, _dataDir))
        {
            await reconfigured.WaitUntilHealthyAsync();
            (await DimensionsAsync(reconfigured)).ShouldStartWith("dimensions:    1600x1200 pixels");
        }
        JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dataDir, ResolutionChoice.FileName), Ct))
            .RootElement.GetProperty("Width").GetInt32().ShouldBe(1024);
    }
}
