using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Bytebot.Host.Auth;

/// <summary>
/// DESIGN §5: unmodified Bytebot clients cannot send a token. With <c>Auth:AllowAnonymousLoopback</c> a loopback caller
/// may use <c>/computer-use</c> without one. Off by default, because apps on the desktop itself are loopback callers too.
/// </summary>
internal sealed class LoopbackClientHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Loopback";

    public static bool Applies(HttpContext context, bool enabled) =>
        enabled
        && context.Request.Path.StartsWithSegments("/computer-use")
        && context.Connection.RemoteIpAddress is { } address
        && IPAddress.IsLoopback(address);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "loopback-client"), new Claim(AdminPrincipal.TokenIdClaim, "loopback")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
