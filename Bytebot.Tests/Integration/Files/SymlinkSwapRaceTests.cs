using System.Text;
using Bytebot.Files.Workspace;
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
                Count(outcomes, "read ok");
            }
            catch (WorkspaceRefusedException refused)
            {
                Count(outcomes, $"read {refused.Status}");
            }
            try
            {
                using var content = new MemoryStream(Encoding.UTF8.GetBytes("written " + i));
                await workspace.WriteAsync(directory, name, content, overwrite: true, "name", Ct);
                Count(outcomes, "write ok");
            }
            catch (WorkspaceRefusedException refused)
            {
                Count(outcomes, $"write {refused.Status}");
            }
        }
        await swapping.CancelAsync();
        var swaps = await swapper;

        TestContext.Current.TestOutputHelper?.WriteLine($"10000 iterations, {swaps} swaps: " + string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}×{o.Value}")));
        leaks.ShouldBe(0);
        File.ReadAllText(_host.SecretFile).ShouldBe(FilesHost.Secret);
        Directory.EnumerateFileSystemEntries(_host.Outside).Select(Path.GetFileName).Where(n => n != "actions.log").ShouldBe(["secret.txt"]);
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
                Count(statuses, $"download {(int)download.StatusCode}");
            }
            using var form = new MultipartFormDataContent { { new StringContent("uploaded " + i), "files", name } };
            using var upload = await _host.Client.PostAsync(new Uri($"/api/files?overwrite=true&path={Uri.EscapeDataString(directory)}", UriKind.Relative), form, Ct);
            Count(statuses, $"upload {(int)upload.StatusCode}");
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

    /// <summary>Flips Desktop/swap.txt (file ↔ symlink to the secret) and Desktop/swapdir (dir ↔ symlink to outside), each by an atomic rename.</summary>
    private Task<int> StartSwapper(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(Desktop, "swapdir"));
        File.WriteAllText(Path.Combine(Desktop, "swapdir", "secret.txt"), "inside");
        File.WriteAllText(Path.Combine(Desktop, "swap.txt"), "inside");
        return Task.Run(() =>
        {
            var swaps = 0;
            var staged = Path.Combine(Desktop, "staged");
            var stagedDir = Path.Combine(Desktop, "staged-dir");
            while (!cancellationToken.IsCancellationRequested)
            {
                var toLink = swaps % 2 == 0;
                try
                {
                    Swap(toLink, staged, stagedDir);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The writer put a file into the directory being removed; try again.
                }
                swaps++;
            }
            return swaps;
        }, CancellationToken.None);
    }

    private void Swap(bool toLink, string staged, string stagedDir)
    {
        Remove(staged);
        if (toLink)
            File.CreateSymbolicLink(staged, _host.SecretFile);
        else
            File.WriteAllText(staged, "inside");
        Rename(staged, Path.Combine(Desktop, "swap.txt"));

        var swapdir = Path.Combine(Desktop, "swapdir");
        Remove(stagedDir);
        if (toLink)
        {
            File.CreateSymbolicLink(stagedDir, _host.Outside);
        }
        else
        {
            Directory.CreateDirectory(stagedDir);
            File.WriteAllText(Path.Combine(stagedDir, "secret.txt"), "inside");
        }
        // A directory cannot be renamed over: the old one goes first (a short window of 404s).
        Remove(swapdir);
        Rename(stagedDir, swapdir);
    }

    private static void Remove(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || File.Exists(path))
            File.Delete(path);
        else if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
    }

    private static void Rename(string from, string to)
    {
        // rename(2) itself: File.Move refuses a symlink that points at a directory.
        if (Bytebot.Platform.Os.LinuxFiles.RenameAt(Bytebot.Platform.Os.LinuxFiles.AtFdCwd, from, Bytebot.Platform.Os.LinuxFiles.AtFdCwd, to, 0) != 0)
            throw new IOException($"rename failed: errno {Bytebot.Platform.Os.LinuxFiles.LastError}");
    }

    private static void Count(Dictionary<string, int> counts, string key)
    {
        lock (counts)
            counts[key] = counts.GetValueOrDefault(key) + 1;
    }
}
