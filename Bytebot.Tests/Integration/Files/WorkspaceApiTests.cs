using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Infrastructure;

namespace Bytebot.Tests.Integration.Files;

/// <summary>The workspace file API's ordinary use: the shapes the dashboard's file pane relies on.</summary>
public sealed class WorkspaceApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private FilesHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await FilesHost.StartAsync(postgres);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Create_upload_list_download_move_and_delete_round_trip()
    {
        // Directories are created one level at a time: a missing parent is a 404.
        (await _host.Client.PostAsync(new Uri("/api/files/directory?path=Desktop/reports", UriKind.Relative), null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _host.Client.PostAsync(new Uri("/api/files/directory?path=Desktop", UriKind.Relative), null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await _host.Client.PostAsync(new Uri("/api/files/directory?path=Desktop/reports", UriKind.Relative), null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        using var form = new MultipartFormDataContent { { new StringContent("a,b\n1,2\n"), "files", "q1.csv" }, { new StringContent("hello"), "files", "note.txt" } };
        using var uploaded = await _host.Client.PostAsync(new Uri("/api/files?path=Desktop/reports", UriKind.Relative), form, Ct);
        uploaded.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await uploaded.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("entries").GetArrayLength().ShouldBe(2);

        using var again = new MultipartFormDataContent { { new StringContent("other"), "files", "note.txt" } };
        (await _host.Client.PostAsync(new Uri("/api/files?path=Desktop/reports", UriKind.Relative), again, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var listing = await _host.Client.GetFromJsonAsync<JsonElement>("/api/files?path=Desktop/reports", Ct);
        listing.GetProperty("path").GetString().ShouldBe("Desktop/reports");
        var entries = listing.GetProperty("entries").EnumerateArray().ToList();
        entries.Select(e => e.GetProperty("name").GetString()).ShouldBe(["note.txt", "q1.csv"]);
        entries[1].GetProperty("path").GetString().ShouldBe("Desktop/reports/q1.csv");
        entries[1].GetProperty("type").GetString().ShouldBe("file");
        entries[1].GetProperty("size").GetInt64().ShouldBe(8);

        using var download = await _host.Client.GetAsync(new Uri("/api/files/download?path=Desktop/reports/q1.csv", UriKind.Relative), Ct);
        (await download.Content.ReadAsStringAsync(Ct)).ShouldBe("a,b\n1,2\n");
        download.Content.Headers.ContentDisposition!.FileName.ShouldNotBeNull();

        using var moved = await _host.Client.PostAsync(new Uri("/api/files/move?path=Desktop/reports/q1.csv&to=Desktop/q1-final.csv", UriKind.Relative), null, Ct);
        moved.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await moved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("path").GetString().ShouldBe("Desktop/q1-final.csv");

        (await _host.Client.DeleteAsync(new Uri("/api/files?path=Desktop/reports", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await _host.Client.DeleteAsync(new Uri("/api/files?path=Desktop/reports/note.txt", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _host.Client.DeleteAsync(new Uri("/api/files?path=Desktop/reports", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _host.Client.DeleteAsync(new Uri("/api/files?path=", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        File.ReadAllText(Path.Combine(_host.Workspace, "Desktop", "q1-final.csv")).ShouldBe("a,b\n1,2\n");
        Directory.Exists(Path.Combine(_host.Workspace, "Desktop", "reports")).ShouldBeFalse();
    }

    [Fact]
    public async Task Anonymous_callers_get_401_from_every_files_endpoint()
    {
        using var anonymous = _host.Factory.CreateAnonymousClient();
        foreach (var url in new[] { "/api/files", "/api/files/download?path=x", $"/api/blobs/{new string('0', 64)}", $"/api/tasks/{Guid.CreateVersion7()}/files" })
            (await anonymous.GetAsync(new Uri(url, UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
