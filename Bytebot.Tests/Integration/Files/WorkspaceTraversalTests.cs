using System.Net;
using System.Text;
using Bytebot.Platform.Files;
using Bytebot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Files;

/// <summary>
/// The traversal corpus (≥ 200 payloads) against every operation of the workspace API over HTTP: each refusal is a
/// 400/403/404 problem+json without a stack trace, the secret outside is never returned, and nothing outside (nor
/// anything unexpected inside) is written.
/// </summary>
public sealed class WorkspaceTraversalTests(PostgresFixture postgres) : IAsyncLifetime
{
    private FilesHost _host = null!;
    private IDisposable? _planted;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await FilesHost.StartAsync(postgres);
        _planted = TraversalCorpus.Plant(_host.Workspace, _host.Outside);
        await File.WriteAllTextAsync(Path.Combine(_host.Workspace, "Desktop", "ok.txt"), "inside", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _planted?.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Every_payload_is_refused_by_list_download_upload_delete_and_move_and_nothing_outside_is_touched()
    {
        var lexical = TraversalCorpus.Lexical(_host.Outside, _host.Workspace);
        var special = TraversalCorpus.ThroughSpecialFiles;
        (lexical.Count + special.Length).ShouldBeGreaterThanOrEqualTo(200);
        var before = _host.OutsideSnapshot();
        var workspaceBefore = WorkspaceEntries();
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        var requests = 0;

        async Task ExpectRefusedAsync(string operation, string payload, HttpRequestMessage request)
        {
            using var response = await _host.Client.SendAsync(request, Ct);
            requests++;
            var body = await response.Content.ReadAsStringAsync(Ct);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status is not (400 or 403 or 404) || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || body.Contains(FilesHost.Secret, StringComparison.Ordinal) || body.Contains("   at ", StringComparison.Ordinal)
                || body.Contains("Exception", StringComparison.Ordinal))
                failures.Add($"{operation} '{TraversalCorpus.Printable(payload)}' → {status} {response.Content.Headers.ContentType} {body[..Math.Min(200, body.Length)]}");
        }

        var directPayloads = 0;
        foreach (var payload in lexical.Concat(special))
        {
            if (Escape(payload) is not { } q)
            {
                // Lone surrogates cannot travel in a URL; the confinement refuses them when called directly.
                Should.Throw<WorkspaceRefusedException>(() => Workspace.Relative(payload, "path"));
                directPayloads++;
                continue;
            }
            var isSpecial = special.Contains(payload);
            await ExpectRefusedAsync("list", payload, new HttpRequestMessage(HttpMethod.Get, $"/api/files?path={q}"));
            await ExpectRefusedAsync("download", payload, new HttpRequestMessage(HttpMethod.Get, $"/api/files/download?path={q}"));
            await ExpectRefusedAsync("upload into", payload, Upload($"/api/files?path={q}", "planted.txt"));
            await ExpectRefusedAsync("mkdir", payload, new HttpRequestMessage(HttpMethod.Post, $"/api/files/directory?path={q}/newdir"));
            // Deleting or moving a symlink itself is allowed (the link goes, its target is untouched); the special
            // names are checked for delete/move only where they are not the last component.
            if (!isSpecial || payload.TrimEnd('/').Contains('/', StringComparison.Ordinal) || payload.Contains("fifo", StringComparison.Ordinal) || payload == "socket")
            {
                await ExpectRefusedAsync("delete", payload, new HttpRequestMessage(HttpMethod.Delete, $"/api/files?path={q}"));
                await ExpectRefusedAsync("move from", payload, new HttpRequestMessage(HttpMethod.Post, $"/api/files/move?path={q}&to=moved.txt"));
            }
            if (!isSpecial)
            {
                await ExpectRefusedAsync("move to", payload, new HttpRequestMessage(HttpMethod.Post, $"/api/files/move?path=Desktop%2Fok.txt&to={q}"));
                await ExpectRefusedAsync("upload named", payload, Upload("/api/files?path=Desktop", payload));
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{lexical.Count + special.Length} payloads ({special.Length} through planted special files), {requests} HTTP requests, {directPayloads} direct; "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        failures.ShouldBeEmpty();
        _host.OutsideSnapshot().ShouldBe(before);
        WorkspaceEntries().ShouldBe(workspaceBefore);
        File.ReadAllText(Path.Combine(_host.Workspace, "Desktop", "ok.txt")).ShouldBe("inside");
    }

    [Fact]
    public async Task Deleting_a_symlink_that_points_outside_removes_the_link_and_leaves_its_target()
    {
        File.CreateSymbolicLink(Path.Combine(_host.Workspace, "to-secret"), _host.SecretFile);

        using var response = await _host.Client.DeleteAsync(new Uri("/api/files?path=to-secret", UriKind.Relative), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        File.Exists(Path.Combine(_host.Workspace, "to-secret")).ShouldBeFalse();
        File.ReadAllText(_host.SecretFile).ShouldBe(FilesHost.Secret);
    }

    private ConfinedWorkspace Workspace => _host.Factory.Services.GetRequiredService<ConfinedWorkspace>();

    private static string? Escape(string payload)
    {
        try
        {
            return Uri.EscapeDataString(payload);
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    private static HttpRequestMessage Upload(string url, string fileName)
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes("WRITTEN-BY-PAYLOAD"));
        // The header is built by hand: MultipartFormDataContent would escape or refuse exotic names.
        file.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"files\"; filename*=UTF-8''{Escape(fileName)}");
        content.Add(file);
        return new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
    }

    // Directory.EnumerateFileSystemEntries would recurse through the planted links (to /proc/self/root, to ..).
    private List<string> WorkspaceEntries()
    {
        var found = new List<string>();
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(_host.Workspace)]);
        while (pending.TryPop(out var directory))
        {
            foreach (var entry in directory.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }))
            {
                found.Add(entry.FullName);
                if (entry is DirectoryInfo child && entry.LinkTarget is null)
                    pending.Push(child);
            }
        }
        return [.. found.Order(StringComparer.Ordinal)];
    }
}
