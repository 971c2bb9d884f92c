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

        // xterm stands in for code, which this machine need not have.
        await LaunchAsync("vscode", new() { ["Desktop:Applications:vscode:Command"] = "xterm -T vscode" });

        await _runner.Received(1).StartDetachedAsync(Command("xterm", "-T", "vscode"), ":42", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_default_app_can_be_removed_by_configuring_an_empty_command() =>
        await Should.ThrowAsync<ComputerActionRejectedException>(() =>
            LaunchAsync("thunderbird", new() { ["Desktop:Applications:thunderbird:Command"] = "" }));

    [Fact]
    public async Task A_configured_app_whose_program_is_not_installed_is_refused_before_anything_runs()
    {
        var rejected = await Should.ThrowAsync<ComputerActionRejectedException>(() =>
            LaunchAsync("firefox", new() { ["Desktop:Applications:firefox:Command"] = "bytebot-no-such-browser --new-window" }));

        rejected.Errors["application"].Single().ShouldContain("'bytebot-no-such-browser' is not on PATH");
        rejected.Errors["application"].Single().ShouldContain("build/setup");
        await _runner.DidNotReceiveWithAnyArgs().StartDetachedAsync(default!, default!, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task An_app_that_shows_no_window_within_the_launch_timeout_fails_naming_it_and_the_window_class()
    {
        WindowsOpen("0x01  0 xfdesktop.Xfdesktop  host Desktop\n");

        var failed = await Should.ThrowAsync<ApplicationDidNotStartException>(() =>
            LaunchAsync("terminal", new() { ["Desktop:LaunchTimeout"] = "00:00:00.3" }));

        failed.Message.ShouldContain("'terminal' was started but showed no window of class 'xfce4-terminal.Xfce4-Terminal' within 0.3 s");
        await _runner.Received(1).StartDetachedAsync(Command("xfce4-terminal"), ":42", Arg.Any<CancellationToken>());
    }

    [Fact]
    public void Launchers_list_only_apps_whose_program_is_installed_and_always_the_desktop()
    {
        var options = new ComputerUseOptions();
        ComputerUseOptions.Bind(options, new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Desktop:Applications:vscode:Command"] = "bytebot-no-such-editor",
            ["Desktop:Applications:editor:Command"] = "sh",
        }).Build());

        var installed = ListApplicationsHandler.Handle(new ListApplications(), TestDesktopActions.With(_queue, options: options)).Names;

        installed.ShouldContain("editor");
        installed.ShouldContain("desktop");
        installed.ShouldNotContain("vscode");
    }

    public async ValueTask DisposeAsync() => await _queue.DisposeAsync();
}
