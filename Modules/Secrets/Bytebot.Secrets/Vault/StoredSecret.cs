namespace Bytebot.Secrets.Vault;

/// <summary>
/// A named secret as a Marten document: the value only as Data Protection ciphertext, bound to the name (a ciphertext
/// copied under another name does not decrypt).
/// </summary>
internal sealed class StoredSecret
{
    public string Id { get; set; } = "";

    public string Ciphertext { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public SecretView ToView() => new(Id, CreatedAt, UpdatedAt);
}

/// <summary>A secret as the API shows it: never its value.</summary>
internal sealed record SecretView(string Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
