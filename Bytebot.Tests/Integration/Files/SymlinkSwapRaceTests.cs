using System.Text;
using Bytebot.Platform.Files;
using Bytebot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Files;

/// <summary>
/// reliability.md S6: one thread flips a workspace path between a regular file and a symlink to the secret outside
/// (and a directory between a real one and a symlink to the outside dir) while reads and writes go through it.
/// </summary>
public sealed class SymlinkSwapRaceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private FilesHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await FilesHost.StartAsync(postgres);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private string Desktop => Path.Combine(_host.Workspace, "Desktop");

    [Fact]
    public async Task Ten_thousand_direct_reads_and_writes_during_symlink_swaps_never_touch_the_outside_secret()
    {
        var workspace = _host.Factory.Services.GetRequiredService<ConfinedWorkspace>();
        var outcomes = new Dictionary<string, int>();
        var leaks = 0;
        using var swapping = new CancellationTokenSource();
        var swapper = StartSwapper(swapping.Token);

        for (var i = 0; i < 10_000; i++)
        {
            var (directory, name) = i % 2 == 0 ? ("Desktop", "swap.txt") : ("Desktop/swapdir", "secret.txt");
            try
            {
                await using var stream = workspace.OpenRead($"{directory}/{name}");
                using var reader = new StreamReader(stream);
                var text = await reader.ReadToEndAsync(Ct);
                if (text.Contains(FilesHost.Secret, StringComparison.Ordinal))
                    leaks++;
                SymlinkSwapper.Count(outcomes, "read ok");
            }
            catch (WorkspaceRefusedException refused)
            {
                SymlinkSwapper.Count(outcomes, $"read {refused.Status}");
            }
            try
            {
                using var content = new MemoryStream(Encoding.UTF8.GetBytes("written " + i));
                await workspace.WriteAsync(directory, name, content, overwrite: true, "name", Ct);
                SymlinkSwapper.Count(outcomes, "write ok");
            }
            catch (WorkspaceRefusedException refused)
            {
                SymlinkSwapper.Count(outcomes, $"write {refused.Status}");
            }
        }
        await swapping.CancelAsync();
        var swaps = await swapper;

        SymlinkSwapper.ShouldNotHaveLeaked(_host, 10_000, swaps, outcomes, leaks);
        // Both shapes were really seen: the race ran, it was not won by one side.
        outcomes.GetValueOrDefault("read ok").ShouldBeGreaterThan(0);
        outcomes.GetValueOrDefault("read 403").ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Five_hundred_http_downloads_and_uploads_during_symlink_swaps_never_touch_the_outside_secret()
    {
        var statuses = new Dictionary<string, int>();
        var leaks = 0;
        using var swapping = new CancellationTokenSource();
        var swapper = StartSwapper(swapping.Token);

        for (var i = 0; i < 500; i++)
        {
            var (directory, name) = i % 2 == 0 ? ("Desktop", "swap.txt") : ("Desktop/swapdir", "secret.txt");
            var path = Uri.EscapeDataString($"{directory}/{name}");
            using (var download = await _host.Client.GetAsync(new Uri($"/api/files/download?path={path}", UriKind.Relative), Ct))
            {
                if ((await download.Content.ReadAsStringAsync(Ct)).Contains(FilesHost.Secret, StringComparison.Ordinal))
                    leaks++;
                SymlinkSwapper.Count(statuses, $"download {(int)download.StatusCode}");
            }
            using var form = new MultipartFormDataContent { { new StringContent("uploaded " + i), "files", name } };
            using var upload = await _host.Client.PostAsync(new Uri($"/api/files?overwrite=true&path={Uri.EscapeDataString(directory)}", UriKind.Relative), form, Ct);
            SymlinkSwapper.Count(statuses, $"upload {(int)upload.StatusCode}");
        }
        await swapping.CancelAsync();
        await swapper;

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", statuses.OrderBy(o => o.Key).Select(o => $"{o.Key}×{o.Value}")));
        leaks.ShouldBe(0);
        File.ReadAllText(_host.SecretFile).ShouldBe(FilesHost.Secret);
        statuses.Keys.ShouldAllBe(k => k.EndsWith(" 200", StringComparison.Ordinal) || k.EndsWith(" 201", StringComparison.Ordinal)
            || k.EndsWith(" 403", StringComparison.Ordinal) || k.EndsWith(" 404", StringComparison.Ordinal));
        statuses.Keys.ShouldContain("download 200");
    }

    private Task<int> StartSwapper(CancellationToken cancellationToken) => SymlinkSwapper.Start(Desktop, _host, cancellationToken);
}
