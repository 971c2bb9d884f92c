using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Desktop.Features.Files;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Files;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Desktop.ComputerUse;

/// <summary>
/// reliability.md S6 for the read_file/write_file actions (POST /computer-use, /mcp, the agent's tools): the handlers
/// run while one thread flips Desktop/swap.txt between a file and a symlink to the secret outside and Desktop/swapdir
/// between a directory and a symlink to the outside directory.
/// </summary>
public sealed class DesktopSymlinkSwapRaceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Iterations = 3_000;

    private FilesHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await FilesHost.StartAsync(postgres);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Three_thousand_read_file_and_write_file_actions_during_symlink_swaps_never_touch_the_outside_secret()
    {
        using var scope = _host.Factory.Services.CreateScope();
        var desktop = scope.ServiceProvider.GetRequiredService<DesktopActions>();
        var outcomes = new Dictionary<string, int>();
        var leaks = 0;
        using var swapping = new CancellationTokenSource();
        var swapper = SymlinkSwapper.Start(Path.Combine(_host.Workspace, "Desktop"), _host, swapping.Token);

        for (var i = 0; i < Iterations; i++)
        {
            // Relative paths lie under {root}/Desktop; every other one is absolute, to check that form too.
            var path = i % 2 == 0 ? "swap.txt" : "swapdir/secret.txt";
            if (i % 4 >= 2)
                path = Path.Combine(_host.Workspace, "Desktop", path);
            try
            {
                var read = await ReadFileHandler.HandleAsync(new ReadFile(path), desktop, Ct);
                if (read.Data is { } data && System.Text.Encoding.UTF8.GetString(data).Contains(FilesHost.Secret, StringComparison.Ordinal))
                    leaks++;
                SymlinkSwapper.Count(outcomes, read.Success ? "read ok" : "read failed");
            }
            catch (ComputerActionRejectedException)
            {
                SymlinkSwapper.Count(outcomes, "read rejected");
            }
            try
            {
                var written = await WriteFileHandler.HandleAsync(
                    new WriteFile(path, System.Text.Encoding.UTF8.GetBytes("written " + i)), desktop, Ct);
                SymlinkSwapper.Count(outcomes, written.Success ? "write ok" : "write failed");
            }
            catch (ComputerActionRejectedException)
            {
                SymlinkSwapper.Count(outcomes, "write rejected");
            }
        }
        await swapping.CancelAsync();
        var swaps = await swapper;

        SymlinkSwapper.ShouldNotHaveLeaked(_host, Iterations, swaps, outcomes, leaks);
        // Both shapes were really seen: the race ran, it was not won by one side.
        outcomes.GetValueOrDefault("read ok").ShouldBeGreaterThan(0);
        outcomes.GetValueOrDefault("read rejected").ShouldBeGreaterThan(0);
        outcomes.GetValueOrDefault("write ok").ShouldBeGreaterThan(0);
        outcomes.GetValueOrDefault("write rejected").ShouldBeGreaterThan(0);
    }
}
