using System.Diagnostics;
using System.Text;

namespace Bytebot.Tests.Integration.Desktop.ComputerUse;

/// <summary>read_file/write_file stay inside Desktop:WorkspaceRoot whatever the path says (reliability.md, Files).</summary>
[Collection(RecordingHostGroup.Name)]
public sealed class WorkspaceConfinementTests : IDisposable
{
    private readonly RecordingComputerUseHost _host;
    private readonly HttpClient _client;
    private readonly string _outside = Directory.CreateTempSubdirectory("bytebot-outside-").FullName;

    public WorkspaceConfinementTests(RecordingComputerUseHost host)
    {
        _host = host;
        _client = host.CreateClient();
        Directory.CreateDirectory(Path.Combine(host.Workspace, "Desktop"));
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "outside secret");
    }

    private string Desktop => Path.Combine(_host.Workspace, "Desktop");

    public static TheoryData<string> TraversalPaths() => new(
        "../../../../etc/passwd",
        "..",
        "../",
        "../Desktop/../../etc/passwd",
        "notes/../../../etc/passwd",
        "./../secret",
        "a/b/c/../../../../..",
        "..\\..\\etc\\passwd",
        "a\\..\\..\\..\\etc\\passwd",
        "/etc/passwd",
        "/etc/shadow",
        "/root/.bashrc",
        "/proc/self/environ",
        "/proc/self/cmdline",
        "/proc/self/root/etc/passwd",
        "/proc/1/environ",
        "/dev/zero",
        "/dev/urandom",
        "/sys/kernel/notes",
        "/tmp",
        "/",
        "//etc//passwd",
        "/etc/../etc/passwd",
        "%2e%2e/%2e%2e/etc/passwd",
        "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "..%2f..%2fetc%2fpasswd",
        "%2fetc%2fpasswd",
        "..%5c..%5cetc%5cpasswd",
        "%252e%252e/etc/passwd",
        "notes/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "a.txt\u0000.png",
        "\u0000",
        "",
        "   ",
        "....//....//etc/passwd/..");

    [Theory]
    [MemberData(nameof(TraversalPaths))]
    public async Task Reading_a_path_that_leaves_the_workspace_is_a_400_naming_the_path(string path)
    {
        var response = await _client.PostActionAsync(new { action = "read_file", path });

        await RefusedOrHarmlessAsync(response);
    }

    [Theory]
    [MemberData(nameof(TraversalPaths))]
    public async Task Writing_a_path_that_leaves_the_workspace_is_a_400_and_writes_nothing_outside(string path)
    {
        var before = Snapshot("/etc").Concat(Snapshot(_outside)).ToList();

        var response = await _client.PostActionAsync(new { action = "write_file", path, data = Convert.ToBase64String("pwned"u8.ToArray()) });

        await RefusedOrHarmlessAsync(response);
        Snapshot("/etc").Concat(Snapshot(_outside)).ToList().ShouldBe(before);
    }

    [Fact]
    public async Task An_absolute_path_outside_the_root_is_refused_even_for_a_file_that_exists()
    {
        var messages = await (await _client.PostActionAsync(new { action = "read_file", path = Path.Combine(_outside, "secret.txt") })).ShouldBeRejectedAsync("path");

        messages.ShouldContain("inside the workspace root");
    }

    [Fact]
    public async Task A_symlink_inside_the_workspace_pointing_outside_is_refused_for_reading()
    {
        File.CreateSymbolicLink(Path.Combine(Desktop, "link-out.txt"), Path.Combine(_outside, "secret.txt"));

        var messages = await (await _client.PostActionAsync("""{"action":"read_file","path":"link-out.txt"}""")).ShouldBeRejectedAsync("path");

        messages.ShouldContain("symlink");
    }

    [Fact]
    public async Task A_symlinked_directory_pointing_outside_is_refused_for_writing_and_nothing_is_written_there()
    {
        Directory.CreateSymbolicLink(Path.Combine(Desktop, "dir-out"), _outside);

        await (await _client.PostActionAsync(new { action = "write_file", path = "dir-out/new.txt", data = "eA==" })).ShouldBeRejectedAsync("path");
        await (await _client.PostActionAsync(new { action = "write_file", path = "dir-out/deeper/new.txt", data = "eA==" })).ShouldBeRejectedAsync("path");
        await (await _client.PostActionAsync(new { action = "write_file", path = "dir-out/secret.txt", data = "eA==" })).ShouldBeRejectedAsync("path");

        File.Exists(Path.Combine(_outside, "new.txt")).ShouldBeFalse();
        Directory.Exists(Path.Combine(_outside, "deeper")).ShouldBeFalse();
        File.ReadAllText(Path.Combine(_outside, "secret.txt")).ShouldBe("outside secret");
    }

    [Fact]
    public async Task A_symlink_file_pointing_outside_is_not_written_through()
    {
        File.CreateSymbolicLink(Path.Combine(Desktop, "write-through.txt"), Path.Combine(_outside, "secret.txt"));

        await (await _client.PostActionAsync(new { action = "write_file", path = "write-through.txt", data = "eA==" })).ShouldBeRejectedAsync("path");

        File.ReadAllText(Path.Combine(_outside, "secret.txt")).ShouldBe("outside secret");
    }

    [Fact]
    public async Task A_fifo_is_refused_without_blocking_the_desktop()
    {
        var fifo = Path.Combine(Desktop, "pipe");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);

        var messages = await (await _client.PostActionAsync("""{"action":"read_file","path":"pipe"}""")).ShouldBeRejectedAsync("path");
        await (await _client.PostActionAsync("""{"action":"write_file","path":"pipe","data":"eA=="}""")).ShouldBeRejectedAsync("path");

        messages.ShouldContain("FIFO");
        await (await _client.PostActionAsync("""{"action":"wait","duration":0}""")).ShouldBeEmptyCreatedAsync();
    }

    [Fact]
    public async Task A_directory_is_refused_for_reading()
    {
        Directory.CreateDirectory(Path.Combine(Desktop, "folder"));

        await (await _client.PostActionAsync("""{"action":"read_file","path":"folder"}""")).ShouldBeRejectedAsync("path");
    }

    [Fact]
    public async Task An_absolute_path_inside_the_root_and_a_symlink_that_stays_inside_both_work()
    {
        var absolute = Path.Combine(_host.Workspace, "Documents", "inside.txt");
        var written = await (await _client.PostActionAsync(new { action = "write_file", path = absolute, data = Convert.ToBase64String("inside"u8.ToArray()) }))
            .ShouldBeJsonCreatedAsync();
        written.GetProperty("success").GetBoolean().ShouldBeTrue(written.ToString());
        File.CreateSymbolicLink(Path.Combine(Desktop, "link-in.txt"), absolute);

        var read = await (await _client.PostActionAsync("""{"action":"read_file","path":"link-in.txt"}""")).ShouldBeJsonCreatedAsync();

        Encoding.UTF8.GetString(Convert.FromBase64String(read.GetProperty("data").GetString()!)).ShouldBe("inside");
    }

    [Fact]
    public async Task A_write_replaces_the_file_atomically_and_leaves_no_temp_file()
    {
        await (await _client.PostActionAsync(new { action = "write_file", path = "atomic.txt", data = Convert.ToBase64String("one"u8.ToArray()) })).ShouldBeJsonCreatedAsync();
        await (await _client.PostActionAsync(new { action = "write_file", path = "atomic.txt", data = Convert.ToBase64String("two"u8.ToArray()) })).ShouldBeJsonCreatedAsync();

        File.ReadAllText(Path.Combine(Desktop, "atomic.txt")).ShouldBe("two");
        Directory.GetFiles(Desktop, "*.tmp", SearchOption.AllDirectories).ShouldBeEmpty();
        (File.GetUnixFileMode(Path.Combine(Desktop, "atomic.txt")) & UnixFileMode.OtherWrite).ShouldBe(UnixFileMode.None);
    }

    // A percent sign is a legal file-name character: "%252e%252e" may stay a harmless name inside the workspace.
    private async Task RefusedOrHarmlessAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        body.ShouldNotContain("root:");
        body.ShouldNotContain(Convert.ToBase64String("outside secret"u8.ToArray()));
        if (response.StatusCode == System.Net.HttpStatusCode.Created)
        {
            var result = System.Text.Json.JsonDocument.Parse(body).RootElement;
            if (!result.GetProperty("success").GetBoolean())
                return;
            if (result.TryGetProperty("message", out var message))
            {
                message.GetString()!.ShouldStartWith($"File written successfully to: {_host.Workspace}");
                return;
            }
            // A read that succeeded found a file of that literal name inside the workspace (another case may have
            // written it); what matters is that it is not a file from outside.
            var data = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(result.GetProperty("data").GetString()!));
            data.ShouldNotContain("root:");
            data.ShouldNotContain("outside secret");
            return;
        }
        await response.ShouldBeRejectedAsync("path");
    }

    private static List<string> Snapshot(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_outside, recursive: true);
    }
}
