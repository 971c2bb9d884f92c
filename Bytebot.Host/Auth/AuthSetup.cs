using Bytebot.Platform;
using Bytebot.Platform.Backup;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace Bytebot.Host.Auth;

internal static class AuthSetup
{
    public const string PolicyScheme = "Bytebot";

    public const string CookieName = "bytebot.session";

    public static IServiceCollection AddBytebotAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => AdminToken.Load(configuration["BYTEBOT_TOKEN"], sp.GetRequiredService<DataDirectory>()));

        // Session cookies and the secrets vault's values must survive a restart, so the key ring lives in the data dir
        // rather than in memory (ADR 0060).
        services.AddDataProtection().SetApplicationName("bytebot");
        services.AddOptions<KeyManagementOptions>().Configure<DataDirectory, ILoggerFactory>((options, dataDir, loggers) =>
            options.XmlRepository = PrivateKeyRing.In(dataDir.Combine(PrivateKeyRing.DirectoryName), loggers));
        services.AddBackupDirectory(PrivateKeyRing.DirectoryName, ownerOnly: true);

        var allowAnonymousLoopback = configuration.GetValue("Auth:AllowAnonymousLoopback", false);
        services.AddAuthentication(PolicyScheme)
            .AddPolicyScheme(PolicyScheme, "Bearer token or dashboard cookie", options =>
                options.ForwardDefaultSelector = context =>
                    NodeCredentialHandler.Applies(context) ? NodeCredentialHandler.SchemeName
                    : context.Request.Headers.ContainsKey("Authorization") ? BearerTokenHandler.SchemeName
                    : LoopbackClientHandler.Applies(context, allowAnonymousLoopback) ? LoopbackClientHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, NodeCredentialHandler>(NodeCredentialHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, LoopbackClientHandler>(LoopbackClientHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                options.LoginPath = "/login";
                options.LogoutPath = "/logout";
                options.Events.OnRedirectToLogin = context => WantsHtml(context.Request)
                    ? RedirectAsync(context)
                    : Unauthorized(context.HttpContext);
                options.Events.OnRedirectToAccessDenied = context =>
                    Problems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "This principal may not do that.");
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(PolicyScheme).RequireAuthenticatedUser().Build())
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(PolicyScheme).RequireAuthenticatedUser().Build());
        return services;
    }

    // Browsers navigating to a page are sent to the sign-in page; API clients get a 401 they can act on.
    private static bool WantsHtml(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
        && !request.Path.StartsWithSegments("/api");

    private static Task RedirectAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static Task Unauthorized(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized",
            "Send 'Authorization: Bearer <token>' or sign in at /login.");
    }
}
