using System.Text.Json;
using Bytebot.Nodes.Contracts;
using Bytebot.Platform;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bytebot.Nodes.Credentials;

/// <summary>
/// This node's own credential: read at start from <c>{DataDir}/node-credential</c> (0600), or got for
/// <c>Node:JoinToken</c> when there is none for this name and this join token yet. A refused join token stops the
/// host: it is an operator's mistake, and a node that silently cannot open other nodes' live views hides it.
/// </summary>
internal sealed partial class JoinFleet(
    NodesOptions options, CredentialStore store, DataDirectory dataDir, ILogger<JoinFleet> logger)
    : IHostedService, INodeCredential
{
    private sealed record StoredCredential(string Name, string Secret, string? JoinTokenHash);

    public string? Authorization { get; private set; }

    private string FilePath => dataDir.Combine("node-credential");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var stored = Read();
        var joinHash = options.JoinToken is { } token ? Convert.ToHexStringLower(CredentialStore.Hash(token)) : null;
        if (stored is not null && stored.Name == options.Name && (joinHash is null || joinHash == stored.JoinTokenHash))
        {
            Authorization = NodeCredentialScheme.Header(stored.Name, stored.Secret);
            return;
        }
        if (options.JoinToken is null)
        {
            LogNotJoined(logger, options.Name);
            return;
        }

        // Written aside first: once the transaction commits the join token is spent, so the secret must not be lost.
        var secret = CredentialStore.NewSecret("bbn_");
        var temp = FilePath + ".tmp";
        Write(temp, new StoredCredential(options.Name, secret, joinHash));
        var refusal = await store.ExchangeAsync(options.Name, options.JoinToken, secret, cancellationToken);
        if (refusal is not null)
        {
            File.Delete(temp);
            throw new InvalidOperationException($"Node:JoinToken was refused: {refusal}. Create a new one with "
                + "POST /api/nodes/join-tokens on any node of this database.");
        }
        File.Move(temp, FilePath, overwrite: true);
        Authorization = NodeCredentialScheme.Header(options.Name, secret);
        LogJoined(logger, options.Name, FilePath);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private StoredCredential? Read()
    {
        if (!File.Exists(FilePath))
            return null;
        try
        {
            return JsonSerializer.Deserialize<StoredCredential>(File.ReadAllText(FilePath));
        }
        catch (JsonException)
        {
            // A damaged file is as good as none: the join token (if any) gets a new credential.
            return null;
        }
    }

    private static void Write(string path, StoredCredential credential)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        JsonSerializer.Serialize(stream, credential);
        stream.Flush(flushToDisk: true);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Node {Node} joined: its credential is in {Path} (mode 0600)")]
    private static partial void LogJoined(ILogger logger, string node, string path);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Node {Node} has no node credential (set Node:JoinToken): it cannot open other nodes' live views")]
    private static partial void LogNotJoined(ILogger logger, string node);
}
