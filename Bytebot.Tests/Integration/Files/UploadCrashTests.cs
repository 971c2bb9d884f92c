using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;

namespace Bytebot.Tests.Integration.Files;

/// <summary>kill -9 of the host (a child process) in the middle of a slow 30 MB upload: nothing partial is visible after.</summary>
public sealed class UploadCrashTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("bytebot-crash-").FullName;
    private Dictionary<string, string?> _settings = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Workspace => Path.Combine(_workDir, "workspace");

    private string Blobs => Path.Combine(_workDir, "data", "blobs");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Workspace, "Desktop"));
        _settings = TasksHost.Settings("crash", Path.Combine(_workDir, "actions.log"));
        _settings["ConnectionStrings:Bytebot"] = await postgres.CreateDatabaseAsync();
        _settings["BYTEBOT_TOKEN"] = "bbt_test_uploadcrash0123456789abcdef";
        _settings["BYTEBOT_DATA_DIR"] = Path.Combine(_workDir, "data");
        _settings["Desktop:WorkspaceRoot"] = Workspace;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_workDir, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Killing_the_host_mid_upload_leaves_no_partial_blob_or_workspace_file_and_the_upload_then_succeeds()
    {
        var bytes = RandomNumberGenerator.GetBytes(30 * 1024 * 1024);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var halfway = new TaskCompletionSource();

        await using (var host = await StartAsync())
        {
            using var form = new MultipartFormDataContent { { new StreamContent(new SlowStream(bytes, 8 * 1024 * 1024, halfway)), "files", "big.bin" } };
            var upload = host.Client.PostAsync(new Uri("/api/files?path=Desktop", UriKind.Relative), form, Ct);
            await halfway.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
            // The server has been streaming the part into blobs/tmp; give it a moment to write what arrived.
            await TasksHost.WaitUntilAsync(() => Task.FromResult(Directory.EnumerateFiles(Path.Combine(Blobs, "tmp")).Any(f => new FileInfo(f).Length > 0)), TimeSpan.FromSeconds(30));
            await host.KillAsync();
            await Should.ThrowAsync<Exception>(() => upload);
        }

        Directory.EnumerateFiles(Path.Combine(Blobs, "sha256"), "*", SearchOption.AllDirectories).ShouldBeEmpty();
        Directory.EnumerateFileSystemEntries(Path.Combine(Workspace, "Desktop")).ShouldBeEmpty();

        await using (var host = await StartAsync())
        {
            var listing = await host.Client.GetFromJsonAsync<JsonElement>("/api/files?path=Desktop", Ct);
            listing.GetProperty("entries").GetArrayLength().ShouldBe(0);
            // The restarted host clears temp files of uploads that a crash cut off.
            await TasksHost.WaitUntilAsync(() => Task.FromResult(!Directory.EnumerateFiles(Path.Combine(Blobs, "tmp")).Any()), TimeSpan.FromSeconds(30));

            using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "files", "big.bin" } };
            using var response = await host.Client.PostAsync(new Uri("/api/files?path=Desktop", UriKind.Relative), form, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.Created);
        }
        (await File.ReadAllBytesAsync(Path.Combine(Workspace, "Desktop", "big.bin"), Ct)).ShouldBe(bytes);
        Directory.EnumerateFiles(Path.Combine(Blobs, "sha256"), "*", SearchOption.AllDirectories)
            .Where(p => !p.EndsWith(".type", StringComparison.Ordinal)).Select(Path.GetFileName).ShouldBe([sha256]);
    }

    private async Task<HostProcess> StartAsync()
    {
        var host = await HostProcess.StartAsync(_settings, Ct);
        await TasksHost.WaitUntilAsync(async () =>
        {
            using var response = await host.Client.GetAsync(new Uri("/api/tasks", UriKind.Relative), Ct);
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(90));
        return host;
    }

    /// <summary>Sends the first bytes at once, signals, then trickles the rest slowly enough for the kill to land mid-body.</summary>
    private sealed class SlowStream(byte[] bytes, int fastBytes, TaskCompletionSource halfway) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= fastBytes)
            {
                halfway.TrySetResult();
                await Task.Delay(200, cancellationToken);
            }
            var count = Math.Min(Math.Min(buffer.Length, 64 * 1024), bytes.Length - _position);
            bytes.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
