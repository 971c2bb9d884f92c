using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Bytebot.Secrets.Contracts;
using Bytebot.Tests.Infrastructure;
using Bytebot.Tests.Integration.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Secrets;

/// <summary>
/// The secrets vault through HTTP on a real host and PostgreSQL: values go in, never come out of the API, are stored
/// only as ciphertext, and decrypt after a restart on the same data dir (the persisted key ring).
/// </summary>
public sealed class SecretsApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _actionLog = Path.Combine(Path.GetTempPath(), $"bytebot-secrets-{Guid.NewGuid():N}.log");
    private readonly string _dataDir = Directory.CreateTempSubdirectory("bytebot-secrets-").FullName;
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await postgres.CreateDatabaseAsync();

    public ValueTask DisposeAsync()
    {
        File.Delete(_actionLog);
        Directory.Delete(_dataDir, recursive: true);
        return ValueTask.CompletedTask;
    }

    private BytebotHostFactory Host()
    {
        var settings = TasksHost.Settings("secrets", _actionLog);
        settings["BYTEBOT_DATA_DIR"] = _dataDir;
        return TasksHost.Create(_connectionString, settings);
    }

    private static string Distinctive() => "pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    [Fact]
    public async Task A_secret_is_created_replaced_listed_without_its_value_and_deleted()
    {
        await using var host = Host();
        using var client = host.CreateAuthenticatedClient();
        var first = Distinctive();
        var second = Distinctive();

        using var created = await client.PostAsJsonAsync("/api/secrets", new { name = "mail.password", value = first }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var createdBody = await created.Content.ReadAsStringAsync(Ct);
        await Task.Delay(20, Ct);
        using var replaced = await client.PostAsJsonAsync("/api/secrets", new { name = "mail.password", value = second }, Ct);
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK);
        var replacedBody = await replaced.Content.ReadAsStringAsync(Ct);
        var listed = await client.GetStringAsync(new Uri("/api/secrets", UriKind.Relative), Ct);

        foreach (var body in new[] { createdBody, replacedBody, listed })
        {
            body.ShouldNotContain(first);
            body.ShouldNotContain(second);
        }
        var secret = JsonDocument.Parse(listed).RootElement.EnumerateArray().Single();
        secret.GetProperty("name").GetString().ShouldBe("mail.password");
        secret.TryGetProperty("value", out _).ShouldBeFalse();
        var createdAt = JsonDocument.Parse(createdBody).RootElement.GetProperty("createdAt").GetDateTimeOffset();
        secret.GetProperty("createdAt").GetDateTimeOffset().ShouldBe(createdAt);
        secret.GetProperty("updatedAt").GetDateTimeOffset().ShouldBeGreaterThan(createdAt);
        // At rest: one document holding ciphertext, neither value in any form the database can search.
        var stored = await TasksHost.ScalarAsync<string>(_connectionString, "select data::text from mt_doc_storedsecret");
        stored.ShouldContain("Ciphertext");
        stored.ShouldNotContain(first);
        stored.ShouldNotContain(second);
        (await host.Services.GetRequiredService<ISecretValues>().RevealAsync("x{{secret:mail.password}}y", Ct))
            .ShouldBe($"x{second}y");

        using var deleted = await client.DeleteAsync(new Uri("/api/secrets/mail.password", UriKind.Relative), Ct);
        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var again = await client.DeleteAsync(new Uri("/api/secrets/mail.password", UriKind.Relative), Ct);
        again.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetStringAsync(new Uri("/api/secrets", UriKind.Relative), Ct)).ShouldBe("[]");
    }

    [Theory]
    [InlineData("""{"name":"bad name","value":"x"}""", "name")]
    [InlineData("""{"name":"","value":"x"}""", "name")]
    [InlineData("""{"value":"x"}""", "name")]
    [InlineData("""{"name":"ok","value":""}""", "value")]
    [InlineData("""{"name":"ok"}""", "value")]
    [InlineData("""{"name":"ok","value":"a\u0000b"}""", "value")]
    [InlineData("""{"name":"ok","value":"a\u001bb"}""", "value")]
    [InlineData("""[1]""", "body")]
    [InlineData("""not json""", "body")]
    public async Task Bad_input_is_problem_json_naming_the_field_and_stores_nothing(string body, string field)
    {
        await using var host = Host();
        using var client = host.CreateAuthenticatedClient();

        using var response = await client.PostAsync(new Uri("/api/secrets", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        (await client.GetStringAsync(new Uri("/api/secrets", UriKind.Relative), Ct)).ShouldBe("[]");
    }

    [Fact]
    public async Task Secrets_decrypt_after_a_restart_with_the_key_ring_kept_private_in_the_data_dir()
    {
        var value = Distinctive();
        await using (var first = Host())
        {
            using var client = first.CreateAuthenticatedClient();
            (await client.PostAsJsonAsync("/api/secrets", new { name = "db", value }, Ct)).EnsureSuccessStatusCode();
        }
        await using var second = Host();
        using var _ = second.CreateAuthenticatedClient();

        (await second.Services.GetRequiredService<ISecretValues>().RevealAsync("{{secret:db}}", Ct)).ShouldBe(value);
        var keys = new DirectoryInfo(Path.Combine(_dataDir, "keys"));
        keys.UnixFileMode.ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var files = keys.GetFiles("*.xml");
        files.ShouldNotBeEmpty();
        files.ShouldAllBe(f => f.UnixFileMode == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Fact]
    public async Task An_unknown_reference_refuses_the_whole_text_and_typing_it_is_a_400_naming_text()
    {
        await using var host = Host();
        using var client = host.CreateAuthenticatedClient();
        (await client.PostAsJsonAsync("/api/secrets", new { name = "known", value = Distinctive() }, Ct)).EnsureSuccessStatusCode();
        var vault = host.Services.GetRequiredService<ISecretValues>();

        var unknown = await Should.ThrowAsync<UnknownSecretException>(() => vault.RevealAsync("{{secret:known}} {{secret:missing}}", Ct));
        unknown.SecretName.ShouldBe("missing");
        (await vault.RevealAsync("no reference here", Ct)).ShouldBe("no reference here");
        using var typed = await client.PostAsJsonAsync("/computer-use", new { action = "type_text", text = "{{secret:missing}}" }, Ct);

        typed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await typed.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("errors").GetProperty("text")[0].GetString()!.ShouldContain("'missing'");
    }
}
