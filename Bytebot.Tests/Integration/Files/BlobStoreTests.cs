using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Bytebot.Files.Blobs;
using Bytebot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Files;

/// <summary>GET /api/blobs/{sha256}, deduplication of 30 MB uploads, and the collector of unreferenced blobs.</summary>
public sealed class BlobStoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private FilesHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Zero retention: every blob is old enough to collect, so only the references decide.
    public async ValueTask InitializeAsync() =>
        _host = await FilesHost.StartAsync(postgres, extra: new() { ["Files:BlobRetention"] = "00:00:00" });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private DataDirectoryBlobStore Store => _host.Factory.Services.GetRequiredService<DataDirectoryBlobStore>();

    private int BlobFiles() => Directory.EnumerateFiles(Store.Root, "*", SearchOption.AllDirectories).Count(p => !p.EndsWith(".type", StringComparison.Ordinal));

    [Fact]
    public async Task A_blob_is_served_with_its_media_type_immutable_caching_an_etag_304_and_ranges()
    {
        var blob = await Store.PutAsync("hello, blob"u8.ToArray(), "text/plain", Ct);

        using var response = await _host.Client.GetAsync(new Uri($"/api/blobs/{blob.Sha256}", UriKind.Relative), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        response.Headers.CacheControl!.ToString().ShouldBe("public, max-age=31536000, immutable");
        response.Headers.ETag!.Tag.ShouldBe($"\"{blob.Sha256}\"");
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldBe("hello, blob");

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/blobs/{blob.Sha256}");
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{blob.Sha256}\""));
        using var notModified = await _host.Client.SendAsync(conditional, Ct);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);

        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/api/blobs/{blob.Sha256.ToUpperInvariant()}");
        ranged.Headers.Range = new RangeHeaderValue(7, 10);
        using var partial = await _host.Client.SendAsync(ranged, Ct);
        partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await partial.Content.ReadAsStringAsync(Ct)).ShouldBe("blob");
    }

    [Theory]
    [InlineData("abc", HttpStatusCode.BadRequest)]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.BadRequest)]
    [InlineData("..%2F..%2Fetc%2Fpasswd", HttpStatusCode.BadRequest)]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.NotFound)]
    public async Task A_bad_hash_is_a_400_naming_the_field_and_an_unknown_one_a_404(string sha256, HttpStatusCode expected)
    {
        using var response = await _host.Client.GetAsync(new Uri($"/api/blobs/{sha256}", UriKind.Relative), Ct);

        response.StatusCode.ShouldBe(expected);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("errors").TryGetProperty("sha256", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task The_same_30_MB_file_uploaded_twice_with_tasks_and_twice_into_the_workspace_is_stored_once()
    {
        var bytes = RandomNumberGenerator.GetBytes(30 * 1024 * 1024);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var before = BlobFiles();

        for (var i = 0; i < 2; i++)
        {
            using var task = new MultipartFormDataContent { { new StringContent("dedupe"), "description" }, { new ByteArrayContent(bytes), "files", "big.bin" } };
            using var created = await _host.Client.PostAsync(new Uri("/api/tasks", UriKind.Relative), task, Ct);
            created.StatusCode.ShouldBe(HttpStatusCode.Created);
            (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("files")[0].GetProperty("sha256").GetString().ShouldBe(sha256);
            using var upload = new MultipartFormDataContent { { new ByteArrayContent(bytes), "files", "big.bin" } };
            using var uploaded = await _host.Client.PostAsync(new Uri("/api/files?overwrite=true", UriKind.Relative), upload, Ct);
            uploaded.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        (BlobFiles() - before).ShouldBe(1);
        File.Exists(Path.Combine(Store.Root, sha256[..2], sha256)).ShouldBeTrue();
        Directory.EnumerateFiles(Store.Temp).ShouldBeEmpty();
        (await File.ReadAllBytesAsync(Path.Combine(_host.Workspace, "big.bin"), Ct)).ShouldBe(bytes);
    }

    [Fact]
    public async Task Uploads_over_the_limits_are_refused_naming_the_file()
    {
        var six = new MultipartFormDataContent { { new StringContent("too many"), "description" } };
        for (var i = 0; i < 6; i++)
            six.Add(new ByteArrayContent([1]), "files", $"f{i}.bin");
        using var tooMany = await _host.Client.PostAsync(new Uri("/api/tasks", UriKind.Relative), six, Ct);
        tooMany.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tooMany.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("files", out _).ShouldBeTrue();

        var big = new byte[30 * 1024 * 1024 + 1];
        using var oversized = new MultipartFormDataContent { { new StringContent("x"), "description" }, { new ByteArrayContent([1]), "files", "ok.bin" }, { new ByteArrayContent(big), "files", "big.bin" } };
        using var refused = await _host.Client.PostAsync(new Uri("/api/tasks", UriKind.Relative), oversized, Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("files[1]", out _).ShouldBeTrue();

        using var workspaceUpload = new MultipartFormDataContent { { new ByteArrayContent(big), "files", "big.bin" } };
        using var tooLarge = await _host.Client.PostAsync(new Uri("/api/files", UriKind.Relative), workspaceUpload, Ct);
        tooLarge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await tooLarge.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("files[0]", out _).ShouldBeTrue();
        File.Exists(Path.Combine(_host.Workspace, "big.bin")).ShouldBeFalse();
    }

    [Fact]
    public async Task The_collector_deletes_unreferenced_blobs_and_keeps_those_an_event_names()
    {
        var orphan = await Store.PutAsync("nobody refers to me"u8.ToArray(), "text/plain", Ct);
        using var form = new MultipartFormDataContent { { new StringContent("keeps its file"), "description" }, { new StringContent("referenced by a task"), "files", "kept.txt" } };
        using var created = await _host.Client.PostAsync(new Uri("/api/tasks", UriKind.Relative), form, Ct);
        var kept = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("files")[0].GetProperty("sha256").GetString()!;

        var collected = await _host.Factory.Services.GetRequiredService<BlobCollector>().CollectAsync(Ct);

        collected.ShouldBeGreaterThanOrEqualTo(1);
        Store.Find(orphan.Sha256).ShouldBeNull();
        Store.Find(kept).ShouldNotBeNull();
        using var response = await _host.Client.GetAsync(new Uri($"/api/blobs/{orphan.Sha256}", UriKind.Relative), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_blob_stored_again_after_its_retention_is_young_again_and_survives_collection()
    {
        var blob = await Store.PutAsync("stored twice"u8.ToArray(), "text/plain", Ct);
        // Retention zero makes it collectable at once; storing it again must refresh it before the collector's cutoff.
        var cutoff = DateTimeOffset.UtcNow.AddSeconds(-1);
        await Store.PutAsync("stored twice"u8.ToArray(), "text/plain", Ct);

        Store.DeleteIfOlder(blob.Sha256, cutoff).ShouldBeFalse();
        Store.Find(blob.Sha256).ShouldNotBeNull();
    }
}
