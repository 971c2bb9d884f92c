using System.Text.Json;
using Bytebot.Secrets.Contracts;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bytebot.Secrets.Vault;

/// <summary><c>/api/secrets</c>: named secrets are created or replaced and deleted; their values are never returned.</summary>
internal static class SecretsApi
{
    public const int MaxValue = 10_000;

    public const string CreateSchema = """
        {"type":"object","required":["name","value"],"properties":{
        "name":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
          "description":"Referenced as {{secret:name}} in task text and typed text."},
        "value":{"type":"string","minLength":1,"maxLength":10000,
          "description":"Stored encrypted; typed only at the moment of typing, never shown again."}}}
        """;

    public static async Task<IResult> ListAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var all = await session.Query<StoredSecret>().OrderBy(s => s.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(all.Select(s => s.ToView()).ToList());
    }

    public static async Task<IResult> PutAsync(
        HttpRequest request, IDocumentStore store, SecretVault vault, TimeProvider clock, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Invalid("body", "Must be a JSON object with name and value.");
        }
        if (body.ValueKind != JsonValueKind.Object)
            return Invalid("body", "Must be a JSON object with name and value.");
        var name = String(body, "name");
        if (name is null || !SecretReferences.Name().IsMatch(name))
            return Invalid("name", "A secret name: a letter or digit, then up to 63 letters, digits, '.', '_' or '-'.");
        var value = String(body, "value");
        if (string.IsNullOrEmpty(value))
            return Invalid("value", "A non-empty string is required.");
        if (value.Length > MaxValue)
            return Invalid("value", $"At most {MaxValue} characters.");
        // What cannot be typed is refused here, not at the moment of typing (the rules of type_text).
        if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\t')))
            return Invalid("value", "Must not contain control characters other than newline and tab.");
        await using var session = store.LightweightSession();
        var now = clock.GetUtcNow();
        var existing = await session.LoadAsync<StoredSecret>(name, cancellationToken);
        var secret = new StoredSecret
        {
            Id = name, Ciphertext = vault.Protect(name, value), CreatedAt = existing?.CreatedAt ?? now, UpdatedAt = now,
        };
        session.Store(secret);
        await session.SaveChangesAsync(cancellationToken);
        return existing is null
            ? TypedResults.Created($"/api/secrets/{name}", secret.ToView())
            : TypedResults.Ok(secret.ToView());
    }

    public static async Task<IResult> DeleteAsync(string name, IDocumentStore store, CancellationToken cancellationToken)
    {
        if (!SecretReferences.Name().IsMatch(name))
            return Invalid("name", "A secret name: a letter or digit, then up to 63 letters, digits, '.', '_' or '-'.");
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<StoredSecret>(name, cancellationToken) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Secret not found",
                detail: $"No secret is named '{name}'.");
        }
        session.Delete<StoredSecret>(name);
        await session.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static string? String(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
