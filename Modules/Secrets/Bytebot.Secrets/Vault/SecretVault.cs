using System.Text;
using Bytebot.Secrets.Contracts;
using Marten;
using Microsoft.AspNetCore.DataProtection;

namespace Bytebot.Secrets.Vault;

/// <summary>Encrypts values with the host's Data Protection key ring and reveals references for the desktop.</summary>
internal sealed class SecretVault(IDocumentStore store, IDataProtectionProvider protection) : ISecretValues
{
    private const string Purpose = "Bytebot.Secrets.v1";

    public string Protect(string name, string value) =>
        Convert.ToBase64String(Protector(name).Protect(Encoding.UTF8.GetBytes(value)));

    public async Task<string> RevealAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!SecretReferences.Any(text))
            return text;
        var references = SecretReferences.Pattern().Matches(text);
        var names = references.Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
        // Every name is looked up before anything is revealed: one unknown name fails the whole text, so nothing of
        // it is typed.
        if (names.FirstOrDefault(n => !SecretReferences.Name().IsMatch(n)) is { } invalid)
            throw new UnknownSecretException(invalid);
        await using var session = store.QuerySession();
        var found = (await session.LoadManyAsync<StoredSecret>(cancellationToken, names)).ToDictionary(s => s.Id, StringComparer.Ordinal);
        if (names.FirstOrDefault(n => !found.ContainsKey(n)) is { } missing)
            throw new UnknownSecretException(missing);
        return SecretReferences.Pattern().Replace(text, m => Reveal(found[m.Groups[1].Value]));
    }

    private string Reveal(StoredSecret secret) =>
        Encoding.UTF8.GetString(Protector(secret.Id).Unprotect(Convert.FromBase64String(secret.Ciphertext)));

    private IDataProtector Protector(string name) => protection.CreateProtector(Purpose, name);
}
