using Bytebot.Platform.Os;

namespace Bytebot.Tests.Integration.Files;

/// <summary>
/// Flips <c>{desktop}/swap.txt</c> (a file ↔ a symlink to the secret outside) and <c>{desktop}/swapdir</c> (a directory
/// ↔ a symlink to the outside directory), each by an atomic rename, until cancelled; returns how many swaps it made.
/// </summary>
internal static class SymlinkSwapper
{
    public static Task<int> Start(string desktop, FilesHost host, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(desktop, "swapdir"));
        File.WriteAllText(Path.Combine(desktop, "swapdir", "secret.txt"), "inside");
        File.WriteAllText(Path.Combine(desktop, "swap.txt"), "inside");
        return Task.Run(() =>
        {
            var swaps = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    Swap(desktop, host, toLink: swaps % 2 == 0);
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

    private static void Swap(string desktop, FilesHost host, bool toLink)
    {
        var staged = Path.Combine(desktop, "staged");
        var stagedDir = Path.Combine(desktop, "staged-dir");
        Remove(staged);
        if (toLink)
            File.CreateSymbolicLink(staged, host.SecretFile);
        else
            File.WriteAllText(staged, "inside");
        Rename(staged, Path.Combine(desktop, "swap.txt"));

        var swapdir = Path.Combine(desktop, "swapdir");
        Remove(stagedDir);
        if (toLink)
        {
            File.CreateSymbolicLink(stagedDir, host.Outside);
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
        if (LinuxFiles.RenameAt(LinuxFiles.AtFdCwd, from, LinuxFiles.AtFdCwd, to, 0) != 0)
            throw new IOException($"rename failed: errno {LinuxFiles.LastError}");
    }

    /// <summary>Counts one outcome (thread-safe).</summary>
    public static void Count(Dictionary<string, int> counts, string key)
    {
        lock (counts)
            counts[key] = counts.GetValueOrDefault(key) + 1;
    }

    /// <summary>Writes the outcome counts to the test output, then checks that no read saw the secret and nothing outside changed.</summary>
    public static void ShouldNotHaveLeaked(FilesHost host, int iterations, int swaps, Dictionary<string, int> outcomes, int leaks)
    {
        TestContext.Current.TestOutputHelper?.WriteLine($"{iterations} iterations, {swaps} swaps: "
            + string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}×{o.Value}")));
        leaks.ShouldBe(0);
        File.ReadAllText(host.SecretFile).ShouldBe(FilesHost.Secret);
        Directory.EnumerateFileSystemEntries(host.Outside).Select(Path.GetFileName).Where(n => n != "actions.log").ShouldBe(["secret.txt"]);
    }
}
