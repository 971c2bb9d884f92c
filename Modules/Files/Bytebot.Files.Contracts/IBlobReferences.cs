namespace Bytebot.Files.Contracts;

/// <summary>
/// Implemented by each module whose events or rows hold blob hashes, so the blob collector asks it, never reads
/// its tables. Register one with <c>services.AddSingleton&lt;IBlobReferences, …&gt;()</c>.
/// </summary>
public interface IBlobReferences
{
    /// <summary>Which of <paramref name="sha256s"/> (lower-case hex) this module still references.</summary>
    Task<IReadOnlySet<string>> ReferencedAsync(IReadOnlyList<string> sha256s, CancellationToken cancellationToken);
}
