using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bytebot.Secrets.Contracts;
using Bytebot.Tests.E2E.Agent;
using Bytebot.Tests.E2E.Cli;
using Bytebot.Tests.Fakes.Llm;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.E2E.Backup;

/// <summary>
/// Issue 20, acceptance 5: <c>bytebot backup</c> (the built CLI) against a real host while a task runs,
/// <c>bytebot restore</c> into a fresh data dir, and a second real host started on it.
/// </summary>
[Collection(AgentLoopAlone.Name)]
public sealed partial class BackupRestoreTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);
    private static readonly ScriptedCall Screenshot = new("computer_screenshot", new { });
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _scratch = Directory.CreateTempSubdirectory("bytebot-backup-test-").FullName;

    private string Config => Path.Combine(_scratch, "config");

    [Fact]
    public async Task A_backup_taken_while_a_task_runs_restores_every_task_message_blob_and_secret_into_a_new_data_dir()
    {
        var secret = "s3cret-" + Guid.NewGuid().ToString("N")[..12];
        var notes = Encoding.UTF8.GetBytes("backup marker " + Guid.NewGuid());
        var archive = Path.Combine(_scratch, "bytebot.tar");
        var restored = Path.Combine(_scratch, "restored");
        Dictionary<Guid, string> messagesBefore = [];
        Dictionary<string, byte[]> blobsBefore = [];
        Guid finished, running;
        await using (var source = await BackupHost.StartAsync())
        {
            (await source.Client.PostAsJsonAsync("/api/secrets", new { name = "bank", value = secret }, Ct))
                .EnsureSuccessStatusCode();
            source.Script(Call(Screenshot, 0), Call(AgentScripts.Complete("Read the notes."), 1));
            finished = await source.CreateTaskAsync("read the notes", ("notes.txt", notes));
            (await source.WaitForAsync(finished, Generous, IsFinished)).GetProperty("status").GetString()
                .ShouldBe("COMPLETED");

            // The second task's next answer is held back: it is RUNNING, one step done, while the backup is taken.
            source.Script(Call(Screenshot, 0),
                Call(AgentScripts.Complete(), 1) with { Delay = TimeSpan.FromMinutes(5) });
            running = await source.CreateTaskAsync("look at the screen twice");
            // Its second request to the model (the 4th in all) goes out after its first step is committed.
            await source.WaitForAsync(running, Generous,
                _ => source.Llm.Bodies(FakeLlmServer.ChatCompletions).Count >= 4);

            foreach (var id in new[] { finished, running })
            {
                messagesBefore[id] = (await source.GetAsync($"/api/tasks/{id}/messages")).GetRawText();
                foreach (var url in await BlobUrlsAsync(source, id))
                    blobsBefore[url] = await source.Client.GetByteArrayAsync(url, Ct);
            }
            using var backup = await CliProcess.RunAsync(source.CliEnvironment(Config), "backup", archive, "--json");
            backup.ExitCode.ShouldBe(0, backup.ToString());
            var counts = JsonDocument.Parse(string.Join('\n', backup.Stdout)).RootElement.GetProperty("counts");
            counts.GetProperty("events").GetInt64().ShouldBeGreaterThan(0);
            // At least the notes and one screenshot (equal screenshots are one blob), each with its media type sidecar.
            counts.GetProperty("blobs/sha256").GetInt64().ShouldBeGreaterThanOrEqualTo(4);
            counts.GetProperty("keys").GetInt64().ShouldBeGreaterThan(0);
            (await source.GetAsync($"/api/tasks/{running}")).GetProperty("status").GetString().ShouldBe("RUNNING");
        }
        blobsBefore.Keys.ShouldContain(url => url.Contains("/files/", StringComparison.Ordinal));
        blobsBefore.Keys.ShouldContain(url => url.Contains("/blobs/", StringComparison.Ordinal));
        File.GetUnixFileMode(archive).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        using (var restore = await RestoreAsync(archive, restored))
            restore.ExitCode.ShouldBe(0, restore.ToString());
        File.GetUnixFileMode(Path.Combine(restored, "keys"))
            .ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.EnumerateFiles(Path.Combine(restored, "keys")).ShouldNotBeEmpty();
        Directory.EnumerateFiles(Path.Combine(restored, "keys"))
            .ShouldAllBe(key => File.GetUnixFileMode(key) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));

        // A new call id: the restored conversation already holds call_000 and call_001.
        await using var target = await BackupHost.StartAsync(
            restored, Call(AgentScripts.Complete("Finished after the restore."), 2));
        (await target.GetAsync($"/api/tasks/{finished}")).GetProperty("status").GetString().ShouldBe("COMPLETED");
        (await target.GetAsync($"/api/tasks/{finished}/messages")).GetRawText().ShouldBe(messagesBefore[finished]);
        foreach (var (url, bytes) in blobsBefore)
            (await target.Client.GetByteArrayAsync(url, Ct)).ShouldBe(bytes, url);
        (await target.GetAsync("/api/secrets")).EnumerateArray().Select(s => s.GetProperty("name").GetString())
            .ShouldContain("bank");
        // The path type_text takes: the restored key ring decrypts the restored ciphertext.
        var secrets = target.Factory.Services.GetRequiredService<ISecretValues>();
        (await secrets.RevealAsync("{{secret:bank}}", Ct)).ShouldBe(secret);

        // The task that was running when the backup was taken is taken over by the restored host and finishes there,
        // its conversation up to the backup kept as it was.
        var resumed = await target.WaitForAsync(running, Generous, IsFinished);
        resumed.GetProperty("status").GetString().ShouldBe("COMPLETED", resumed.ToString());
        var before = Messages(JsonDocument.Parse(messagesBefore[running]).RootElement);
        var after = Messages(await target.GetAsync($"/api/tasks/{running}/messages"));
        before.ShouldNotBeEmpty();
        after.Take(before.Count).ShouldBe(before);
        after.Count.ShouldBeGreaterThan(before.Count);
    }

    [Fact]
    public async Task Restore_refuses_a_non_empty_data_dir_and_a_damaged_or_cut_off_archive_leaving_nothing()
    {
        var marker = Encoding.UTF8.GetBytes("damage me " + Guid.NewGuid());
        var archive = Path.Combine(_scratch, "bytebot.tar");
        await using (var source = await BackupHost.StartAsync())
        {
            await source.CreateTaskAsync("keep this file", ("marker.txt", marker));
            using var backup = await CliProcess.RunAsync(source.CliEnvironment(Config), "backup", archive);
            backup.ExitCode.ShouldBe(0, backup.ToString());
            using var again = await CliProcess.RunAsync(source.CliEnvironment(Config), "backup", archive);
            again.ExitCode.ShouldBe(2, again.ToString());
            again.Stderr.ShouldHaveSingleItem().ShouldContain("already exists");
        }
        var bytes = await File.ReadAllBytesAsync(archive, Ct);

        var occupied = Directory.CreateDirectory(Path.Combine(_scratch, "occupied")).FullName;
        await File.WriteAllTextAsync(Path.Combine(occupied, "keep.txt"), "mine", Ct);
        using (var refused = await RestoreAsync(archive, occupied))
        {
            refused.ExitCode.ShouldBe(2, refused.ToString());
            refused.Stderr.ShouldHaveSingleItem().ShouldContain("is not an empty directory");
        }
        Directory.EnumerateFileSystemEntries(occupied).ShouldBe([Path.Combine(occupied, "keep.txt")]);
        (await File.ReadAllTextAsync(Path.Combine(occupied, "keep.txt"), Ct)).ShouldBe("mine");

        // One byte of the uploaded file's blob flipped: the tar still reads, only the checksum can tell.
        var damaged = bytes.ToArray();
        damaged[damaged.AsSpan().IndexOf(marker) + 3] ^= 0x20;
        var cutOff = bytes[..(bytes.Length / 2)];
        foreach (var (name, content, why) in new[]
        {
            ("damaged.tar", damaged, "does not match its checksum"), ("cut-off.tar", cutOff, "The archive is damaged"),
        })
        {
            var copy = Path.Combine(_scratch, name);
            await File.WriteAllBytesAsync(copy, content, Ct);
            var fresh = Path.Combine(_scratch, "from-" + name);
            using var refused = await RestoreAsync(copy, fresh);
            refused.ExitCode.ShouldBe(1, refused.ToString());
            refused.Stderr.ShouldHaveSingleItem().ShouldContain(why);
            Directory.Exists(fresh).ShouldBeFalse(name);
        }
    }

    private Task<CliProcess> RestoreAsync(string archive, string dataDir) =>
        CliProcess.RunAsync(
            new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = Config },
            "restore", archive, "--data-dir", dataDir);

    private static ScriptedReply Call(ScriptedCall call, int index) =>
        AgentScripts.Reply("openai-compatible", call, index);

    private static List<string> Messages(JsonElement messages) =>
        [.. messages.EnumerateArray().Select(m => m.GetRawText())];

    private static bool IsFinished(JsonElement task) =>
        task.GetProperty("status").GetString() is "COMPLETED" or "FAILED" or "CANCELLED" or "NEEDS_HELP";

    /// <summary>Every blob the task's API documents link to: its files and its steps' screenshots.</summary>
    private static async Task<IReadOnlyList<string>> BlobUrlsAsync(BackupHost host, Guid id)
    {
        var documents = string.Join('\n', (await host.GetAsync($"/api/tasks/{id}")).GetRawText(),
            (await host.GetAsync($"/api/tasks/{id}/timeline")).GetRawText());
        return [.. BlobUrl().Matches(documents).Select(m => m.Value)
            .Where(url => url.Contains(id.ToString(), StringComparison.Ordinal)).Distinct(StringComparer.Ordinal)];
    }

    [GeneratedRegex("/api/tasks/[0-9a-f-]{36}/(?:files/[0-9a-f-]{36}|blobs/[0-9a-f]{64})")]
    private static partial Regex BlobUrl();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
            // A child that is still flushing a log can hold a file open for a moment; the temp dir is harmless.
        }
    }
}
