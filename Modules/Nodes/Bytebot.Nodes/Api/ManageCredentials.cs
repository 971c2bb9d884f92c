using System.Globalization;
using System.Text.RegularExpressions;
using Bytebot.Nodes.Contracts;
using Bytebot.Nodes.Credentials;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bytebot.Nodes.Api;

internal sealed record CreateJoinToken(string? Node, string? ExpiresIn);

/// <summary>Join tokens for new nodes, and the credentials nodes got for them (admin only).</summary>
internal static partial class ManageCredentials
{
    private static readonly TimeSpan DefaultExpiry = TimeSpan.FromHours(1);
    private static readonly TimeSpan MaxExpiry = TimeSpan.FromDays(7);

    public static async Task<Results<Created<JoinToken>, ValidationProblem>> CreateJoinTokenAsync(
        CreateJoinToken? request, CredentialStore store, CancellationToken cancellationToken)
    {
        var node = request?.Node?.Trim();
        if (node is not null && !NodeName().IsMatch(node))
            return Refuse("node", "A node name: 1-100 letters, digits, '.', '_' or '-'.");
        var expiresIn = DefaultExpiry;
        if (request?.ExpiresIn is { } text && (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out expiresIn)
            || expiresIn <= TimeSpan.Zero || expiresIn > MaxExpiry))
            return Refuse("expiresIn", "A duration like 01:00:00 (hh:mm:ss or d.hh:mm:ss), > 0, 7 days at most.");
        var token = await store.CreateJoinTokenAsync(node, expiresIn, cancellationToken);
        return TypedResults.Created((string?)null, token);
    }

    public static async Task<Ok<IReadOnlyList<NodeCredentialView>>> ListAsync(
        CredentialStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(cancellationToken));

    public static async Task<IResult> RevokeAsync(
        string name, CredentialStore store, CancellationToken cancellationToken) =>
        await store.RevokeAsync(name, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Node credential not found",
                detail: $"name: no node named {name} has joined this database.");

    private static ValidationProblem Refuse(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    [GeneratedRegex(NodeCredentialScheme.NodeNamePattern)]
    private static partial Regex NodeName();
}
