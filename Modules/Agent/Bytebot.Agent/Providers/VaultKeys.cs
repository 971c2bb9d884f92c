using System.Net;
using System.Text;
using System.Text.Json;
using Bytebot.Secrets.Contracts;

namespace Bytebot.Agent.Providers;

/// <summary>
/// A provider key configured as <c>{{secret:name}}</c> (ADR 0067) stays a reference everywhere in the process and is
/// revealed here, per request, into the header the SDK wrote it in: the vault's value reaches only the provider's
/// socket, and a replaced secret is used from the next request on.
/// </summary>
// The vault is asked for at the first request, not when the catalog is built: it needs the started database.
internal sealed class VaultKeys(Func<ISecretValues?>? secrets, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly string[] KeyHeaders = ["x-api-key", "Authorization", "api-key"];

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, CancellationToken cancellationToken)
    {
        foreach (var name in KeyHeaders)
        {
            if (!request.Headers.TryGetValues(name, out var values))
                continue;
            var value = string.Join(",", values);
            if (!SecretReferences.Any(value))
                continue;
            if (secrets?.Invoke() is not { } vault)
                return Refused($"The provider key is {value}, but this host has no vault to resolve it.");
            string revealed;
            try
            {
                revealed = await vault.RevealAsync(value, cancellationToken).ConfigureAwait(false);
            }
            catch (UnknownSecretException e)
            {
                // Answered as the provider answers a wrong key, so the SDK reports it (a wrapped exception reached the
                // task as "I/O exception") and the loop does not retry it; nothing leaves the process.
                return Refused($"The provider key is {value}, which names no stored secret. {e.Message}");
            }
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, revealed);
        }
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    // One body both SDKs read: Anthropic's error envelope, whose "error" object is also OpenAI's.
    private static HttpResponseMessage Refused(string message) => new(HttpStatusCode.Unauthorized)
    {
        Content = new StringContent(
            JsonSerializer.Serialize(new { type = "error", error = new { type = "authentication_error", message } }),
            Encoding.UTF8, "application/json"),
    };
}
