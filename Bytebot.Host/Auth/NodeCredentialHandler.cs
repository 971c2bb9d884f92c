using System.Security.Claims;
using System.Text.Encodings.Web;
using Bytebot.Nodes.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Bytebot.Host.Auth;

/// <summary>
/// <c>Authorization: Node name:secret</c>: another node of this database opening this node's own live view (ADR
/// 0065). Checked against the credentials table at every request, so a revoked node is refused from then on. A node
/// credential opens <c>/websockify</c> of this node's desktop and nothing else: it is not an admin.
/// </summary>
internal sealed class NodeCredentialHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    INodeAuthenticator nodes) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = NodeCredentialScheme.Name;

    public static bool Applies(HttpContext context) =>
        context.Request.Headers.Authorization.ToString()
            .StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (NodeCredentialScheme.Parse(Request.Headers.Authorization.ToString()) is not { } credential)
            return AuthenticateResult.Fail("Send 'Authorization: Node name:secret'.");
        if (!Request.Path.Equals("/websockify", StringComparison.Ordinal) || Request.Query.ContainsKey("node"))
            return AuthenticateResult.Fail("A node credential opens only this node's own /websockify.");
        var (node, secret) = credential;
        if (!await nodes.AuthenticateAsync(node, secret, Context.RequestAborted))
        {
            Logger.RejectedToken(Context.Connection.RemoteIpAddress);
            return AuthenticateResult.Fail($"The credential of node {node} is unknown or revoked.");
        }
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, "node:" + node),
                new Claim(ClaimTypes.Role, "node"),
                new Claim(AdminPrincipal.TokenIdClaim, "node:" + node),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = SchemeName;
        await Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Node credential refused",
            result.Failure?.Message ?? "Send 'Authorization: Node name:secret'.");
    }
}
