using System.Text.RegularExpressions;

namespace Bytebot.Secrets.Contracts;

/// <summary>
/// Reveals the values behind <c>{{secret:name}}</c> references in text the desktop is about to type. Only the desktop
/// asks, at the moment of typing: the value never goes back to the caller's records, the model or the dashboard.
/// </summary>
public interface ISecretValues
{
    /// <summary>
    /// <paramref name="text"/> with every reference replaced by its secret's value, or the text itself when it holds none.
    /// </summary>
    /// <exception cref="UnknownSecretException">A reference names no stored secret; nothing is revealed.</exception>
    Task<string> RevealAsync(string text, CancellationToken cancellationToken);
}

/// <summary>How a secret is referenced in task text, playbook slots and typed text: <c>{{secret:name}}</c>.</summary>
public static partial class SecretReferences
{
    /// <summary>Whether <paramref name="text"/> holds at least one reference (well formed or not).</summary>
    public static bool Any(string text) => text.Contains("{{secret:", StringComparison.Ordinal);

    /// <summary>The reference syntax; group 1 is the name as written.</summary>
    [GeneratedRegex(@"\{\{secret:([^{}]*)\}\}")]
    public static partial Regex Pattern();

    /// <summary>A secret's name: a letter or digit, then up to 63 letters, digits, '.', '_' or '-'.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex Name();
}

/// <summary>A reference names no stored secret (or no valid name); its message names it, never a value.</summary>
public sealed class UnknownSecretException : Exception
{
    /// <summary>The name as written in the reference.</summary>
    /// <param name="name">The missing secret's name.</param>
    public UnknownSecretException(string name)
        : base($"There is no secret named '{name}'; add it with POST /api/secrets or fix the reference.") => SecretName = name;

    /// <summary>No name known.</summary>
    public UnknownSecretException() : this("")
    {
    }

    /// <summary>No name known, because of another failure.</summary>
    /// <param name="message">Why.</param>
    /// <param name="innerException">The failure.</param>
    public UnknownSecretException(string message, Exception innerException) : base(message, innerException) => SecretName = "";

    /// <summary>The name as written in the reference.</summary>
    public string SecretName { get; }
}
