using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;

namespace Bytebot.Tests.Integration.Nodes;

/// <summary>
/// Issue 15, ADR 0065: an admin's one-time join token, exchanged by a node at its first start for a credential of
/// its own (stored hashed in the shared database, its secret 0600 in the node's data dir), listed and revoked.
/// In-memory hosts on one database; the bridge's side of it is in <c>CrossNodeLiveViewTests</c>.
/// </summary>
public sealed class NodeCredentialTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("bytebot-node-credentials-").FullName;
    private readonly List<BytebotHostFactory> _hosts = [];
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await postgres.CreateDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
            await host.DisposeAsync();
        Directory.Delete(_workDir, recursive: true);
    }

    private BytebotHostFactory Host(string name, string? joinToken = null)
    {
        var settings = TasksHost.Settings(name, Path.Combine(_workDir, "actions.log"));
        settings["Node:Name"] = name;
        settings["Node:JoinToken"] = joinToken;
        settings["BYTEBOT_DATA_DIR"] = Path.Combine(_workDir, name);
        var host = new BytebotHostFactory(_connectionString, settings);
        _hosts.Add(host);
        return host;
    }

    private static async Task<string> JoinTokenAsync(HttpClient admin, object body)
    {
        using var response = await admin.PostAsJsonAsync("/api/nodes/join-tokens", body, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("token").GetString()!;
    }

    private static string Refusal(BytebotHostFactory host) =>
        Should.Throw<Exception>(() => host.CreateClient()).ToString();

    private async Task<JsonElement> StoredCredentialAsync(string name)
    {
        var path = Path.Combine(_workDir, name, "node-credential");
        File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return JsonDocument.Parse(await File.ReadAllTextAsync(path, Ct)).RootElement;
    }

    private async Task<long> CountAsync(string sql, params object[] values) =>
        await TasksHost.ScalarAsync<long>(_connectionString, sql, values);

    [Fact]
    public async Task A_join_token_is_exchanged_once_for_a_credential_and_reuse_expiry_or_another_name_is_refused()
    {
        using var admin = Host("alpha").CreateAuthenticatedClient();
        using var created = await admin.PostAsJsonAsync("/api/nodes/join-tokens", new { node = "beta" }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var token = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var forBeta = token.GetProperty("token").GetString()!;
        forBeta.ShouldStartWith("bbj_");
        token.GetProperty("node").GetString().ShouldBe("beta");
        (token.GetProperty("expiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow).TotalMinutes
            .ShouldBeInRange(50, 61);
        (await CountAsync("select count(*) from node_join_tokens where hash = sha256(convert_to($1, 'UTF8'))", forBeta))
            .ShouldBe(1, "stored as its hash");

        Refusal(Host("gamma", forBeta)).ShouldContain("Node:JoinToken was refused: it is for node beta");

        var beta = Host("beta", forBeta);
        using (var client = beta.CreateAuthenticatedClient())
            (await client.GetAsync(new Uri("/api/nodes", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var stored = await StoredCredentialAsync("beta");
        stored.GetProperty("Name").GetString().ShouldBe("beta");
        var secret = stored.GetProperty("Secret").GetString()!;
        secret.ShouldStartWith("bbn_");
        (await CountAsync(
            "select count(*) from node_credentials where name = 'beta' and hash = sha256(convert_to($1, 'UTF8'))",
            secret)).ShouldBe(1);
        (await CountAsync("select count(*) from node_join_tokens where used_by = 'beta'")).ShouldBe(1);

        // A restart with the same Node__JoinToken still set keeps the credential and spends nothing.
        await beta.DisposeAsync();
        _hosts.Remove(beta);
        using (var again = Host("beta", forBeta).CreateAuthenticatedClient())
            (await again.GetAsync(new Uri("/health/live", UriKind.Relative), Ct)).StatusCode
                .ShouldBe(HttpStatusCode.OK);
        (await StoredCredentialAsync("beta")).GetProperty("Secret").GetString().ShouldBe(secret);

        var anyName = await JoinTokenAsync(admin, new { });
        Host("delta", anyName).CreateClient().Dispose();
        Refusal(Host("epsilon", anyName)).ShouldContain("it was used already (by delta)");
        Refusal(Host("epsilon", "bbj_not_a_token")).ShouldContain("it is not a join token of this database");

        var brief = await JoinTokenAsync(admin, new { expiresIn = "00:00:01" });
        await TasksHost.WaitUntilAsync(async () => await CountAsync(
            "select count(*) from node_join_tokens where expires_at <= clock_timestamp() and used_at is null") == 1,
            TimeSpan.FromSeconds(10));
        Refusal(Host("zeta", brief)).ShouldContain("it has expired");
        (await CountAsync("select count(*) from node_credentials")).ShouldBe(2, "only beta and delta joined");

        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/nodes/credentials", Ct);
        listed.EnumerateArray().Select(c => c.GetProperty("name").GetString()).ShouldBe(["beta", "delta"]);
        listed[0].GetProperty("revoked").GetBoolean().ShouldBeFalse();
        listed[0].GetProperty("createdAt").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public async Task Join_tokens_and_credentials_are_for_the_admin_bad_fields_are_named_and_revoking_is_listed()
    {
        using var admin = Host("alpha").CreateAuthenticatedClient();
        (string Body, string Field)[] cases =
        [
            ("""{"node":"no spaces"}""", "node"),
            ("""{"expiresIn":"soon"}""", "expiresIn"),
            ("""{"expiresIn":"-00:05:00"}""", "expiresIn"),
            ("""{"expiresIn":"8.00:00:00"}""", "expiresIn"),
        ];
        foreach (var (body, field) in cases)
        {
            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var response = await admin.PostAsync(
                new Uri("/api/nodes/join-tokens", UriKind.Relative), content, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(body);
        }
        (await CountAsync("select count(*) from node_join_tokens")).ShouldBe(0);

        Host("beta", await JoinTokenAsync(admin, new { node = "beta" })).CreateClient().Dispose();
        var secret = (await StoredCredentialAsync("beta")).GetProperty("Secret").GetString()!;
        using var asNode = Host("gamma").CreateAnonymousClient();
        asNode.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Node", "beta:" + secret);
        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Get, "/api/nodes"),
            new HttpRequestMessage(HttpMethod.Post, "/api/nodes/join-tokens") { Content = JsonContent.Create(new { }) },
            new HttpRequestMessage(HttpMethod.Get, "/websockify?node=alpha"),
        })
        {
            using var refused = await asNode.SendAsync(request, Ct);
            refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{request.Method} {request.RequestUri}");
            refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            (await refused.Content.ReadAsStringAsync(Ct)).ShouldContain("opens only this node's own /websockify");
            request.Dispose();
        }

        using (var revoke = await admin.DeleteAsync(new Uri("/api/nodes/beta/credential", UriKind.Relative), Ct))
            revoke.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var beta = (await admin.GetFromJsonAsync<JsonElement>("/api/nodes/credentials", Ct)).EnumerateArray().Single();
        beta.GetProperty("revoked").GetBoolean().ShouldBeTrue();
        beta.GetProperty("revokedAt").ValueKind.ShouldBe(JsonValueKind.String);
        using var unknown = await admin.DeleteAsync(new Uri("/api/nodes/nobody/credential", UriKind.Relative), Ct);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknown.Content.ReadAsStringAsync(Ct)).ShouldContain("name: no node named nobody");
    }
}
