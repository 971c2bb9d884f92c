using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Desktop.Features.Apps;
using Microsoft.Extensions.Configuration;
using NSubstitute;

namespace Bytebot.Tests.Unit.Desktop;

public sealed class ApplicationTests : IAsyncDisposable
{
    private readonly ICommandRunner _runner = Substitute.For<ICommandRunner>();
    private readonly IDesktopEnvironment _desktop = Substitute.For<IDesktopEnvironment>();
    private readonly ActionQueue _queue = new(new Bytebot.Desktop.Control.DesktopControl());

    public ApplicationTests()
    {
        _desktop.Display.Returns(":42");
        _runner.RunAsync(default!, default!, default, default).ReturnsForAnyArgs(new CommandOutput(0, ""));
    }

    private Task<ActionCompleted> LaunchAsync(string name, Dictionary<string, string?>? settings = null)
    {
        var options = new ComputerUseOptions();
        ComputerUseOptions.Bind(options, new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        var desktop = TestDesktopActions.With(_queue, runner: _runner, environment: _desktop, options: options);
        return ApplicationHandler.HandleAsync(new Application(name), desktop, TestContext.Current.CancellationToken);
    }

    private static IReadOnlyList<string> Command(params string[] words) => Arg.Is<IReadOnlyList<string>>(c => c.SequenceEqual(words));

    private void WindowsOpen(string wmctrlList, params string[] thenLists) =>
        _runner.RunAsync(Command("wmctrl", "-lx"), ":42", Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>())
            .Returns(new CommandOutput(0, wmctrlList), [.. thenLists.Select(list => new CommandOutput(0, list))]);

    [Fact]
    public async Task An_app_that_is_not_open_is_launched_detached_and_the_action_ends_when_its_window_is_there_and_focused()
    {
        const string Before = "0x01  0 xfdesktop.Xfdesktop  host Desktop\n";
        WindowsOpen(Before, Before, Before + "0x02  0 xfce4-terminal.Xfce4-Terminal  host Terminal\n");

        await LaunchAsync("terminal");

        await _runner.Received(1).StartDetachedAsync(Command("xfce4-terminal"), ":42", Arg.Any<CancellationToken>());
        await _runner.Received(3).RunAsync(Command("wmctrl", "-lx"), ":42", Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>());
        await _runner.Received(1).RunAsync(Command("wmctrl", "-x", "-a", "xfce4-terminal.Xfce4-Terminal"), ":42", Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_open_app_is_activated_and_maximized_instead_of_launched_again()
    {
        WindowsOpen("0x02  0 Navigator.firefox-esr  host Mozilla Firefox\n");

        await LaunchAsync("firefox");

        await _runner.Received(1).RunAsync(Command("wmctrl", "-x", "-a", "Navigator.firefox-esr"), ":42", Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>());
        await _runner.Received(1).RunAsync(Arg.Is<IReadOnlyList<string>>(c => c.Contains("add,maximized_vert,maximized_horz")), ":42", Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>());
        await _runner.DidNotReceiveWithAnyArgs().StartDetachedAsync(default!, default!, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Desktop_runs_the_show_desktop_command()
    {
        await LaunchAsync("desktop");

        await _runner.Received(1).RunAsync(Command("wmctrl", "-k", "on"), ":42", Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Vscode_is_not_installed_unless_configured_and_runs_once_it_is()
    {
        var rejected = await Should.ThrowAsync<ComputerActionRejectedException>(() => LaunchAsync("vscode"));
        rejected.Errors["application"].Single().ShouldContain("not installed");

        await LaunchAsync("vscode", new() { ["Desktop:Applications:vscode:Command"] = "code --new-window", ["Desktop:Applications:vscode:WindowClass"] = "code.Code" });

        await _runner.Received(1).StartDetachedAsync(Command("code", "--new-window"), ":42", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_default_app_can_be_removed_by_configuring_an_empty_command() =>
        await Should.ThrowAsync<ComputerActionRejectedException>(() =>
            LaunchAsync("thunderbird", new() { ["Desktop:Applications:thunderbird:Command"] = "" }));

    public async ValueTask DisposeAsync() => await _queue.DisposeAsync();
}
