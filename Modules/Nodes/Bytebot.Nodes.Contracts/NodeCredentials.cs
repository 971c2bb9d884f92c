namespace Bytebot.Nodes.Contracts;

/// <summary>
/// What this node presents to another node it calls (the live view of a task on that node): its own revocable
/// credential, got once for a join token (ADR 0065), never the admin token.
/// </summary>
public interface INodeCredential
{
    /// <summary>The <c>Authorization</c> header, <c>Node name:secret</c>; null until this node joined.</summary>
    string? Authorization { get; }
}

/// <summary>Checks the credential another node presented against the shared database.</summary>
public interface INodeAuthenticator
{
    /// <summary>True when <paramref name="name"/> holds that secret and it is not revoked; records its use.</summary>
    Task<bool> AuthenticateAsync(string name, string secret, CancellationToken cancellationToken);
}

/// <summary>The wire form of a node credential.</summary>
public static class NodeCredentialScheme
{
    /// <summary>The <c>Authorization</c> scheme: <c>Node name:secret</c>.</summary>
    public const string Name = "Node";

    /// <summary>Node names: a letter or digit, then letters, digits, '.', '_' or '-', 100 at most.</summary>
    public const string NodeNamePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$";

    /// <summary>The header value for <paramref name="node"/> and its secret.</summary>
    public static string Header(string node, string secret) => $"{Name} {node}:{secret}";

    /// <summary>The name and secret of a <c>Node name:secret</c> header, or null when it is not one.</summary>
    public static (string Node, string Secret)? Parse(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (!header.StartsWith(Name + " ", StringComparison.OrdinalIgnoreCase))
            return null;
        var value = header[(Name.Length + 1)..].Trim();
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < value.Length - 1 ? (value[..colon], value[(colon + 1)..]) : null;
    }
}
