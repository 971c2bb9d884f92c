using System.Security.Cryptography;
using System.Text;
using Bytebot.Platform;

namespace Bytebot.Host.Auth;

/// <summary>The bootstrap admin API token: BYTEBOT_TOKEN, else generated once into {DataDir}/admin-token (0600).</summary>
/// <remarks>Not sent to other nodes: a node presents its own credential (ADR 0065).</remarks>
internal sealed class AdminToken
{
    private readonly byte[] _hash;

    private AdminToken(string token, string? path)
    {
        Token = token;
        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        FilePath = path;
        Id = Convert.ToHexStringLower(_hash)[..12];
    }

    public string Token { get; }

    /// <summary>Where the generated token lives; null when it came from BYTEBOT_TOKEN.</summary>
    public string? FilePath { get; }

    /// <summary>A non-secret identifier (hash prefix) for logs, claims and rate-limit partitions.</summary>
    public string Id { get; }

    public bool Matches(string candidate)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(candidate));
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }

    public static AdminToken Load(string? configured, DataDirectory dataDir)
    {
        if (!string.IsNullOrWhiteSpace(configured))
            return new AdminToken(configured.Trim(), null);

        var path = dataDir.Combine("admin-token");
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length > 0)
                return new AdminToken(existing, path);
        }

        // 256 random bits with a prefix so secret scanners can recognise a leaked token.
        var token = "bbt_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(Encoding.UTF8.GetBytes(token + "\n"));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        return new AdminToken(token, path);
    }
}
