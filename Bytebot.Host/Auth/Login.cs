using System.Net;
using Bytebot.Platform.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Bytebot.Host.Auth;

/// <summary>Sign-in page: exchanges the API token for an HttpOnly, SameSite=Strict session cookie.</summary>
internal static class Login
{
    private const string SignInForm = """
        {"type":"object","required":["token","__RequestVerificationToken"],"properties":{
          "token":{"type":"string","description":"The admin API token."},
          "returnUrl":{"type":"string","description":"A local path to go to after signing in."},
          "__RequestVerificationToken":{"type":"string","description":"The antiforgery field of the page."}}}
        """;

    private const string SignOutForm = """
        {"type":"object","required":["__RequestVerificationToken"],"properties":{
          "__RequestVerificationToken":{"type":"string","description":"The antiforgery field of the page."}}}
        """;

    public static IEndpointRouteBuilder MapLogin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
                Page(context, antiforgery, returnUrl, error: null, StatusCodes.Status200OK))
            .AllowAnonymous()
            .WithName("GetSignInPage").WithTags("Auth").WithSummary("The sign-in page (HTML with an antiforgery field).")
            .Produces<string>(StatusCodes.Status200OK, "text/html");

        endpoints.MapPost("/login", SignInAsync)
            .AllowAnonymous()
            .DisableAntiforgery() // validated explicitly below so a bad form re-renders the page instead of a bare 400
            .WithName("SignIn").WithTags("Auth")
            .WithSummary("Exchanges the token for the session cookie; a bad form or token re-renders the page.")
            .DescribesBody(("application/x-www-form-urlencoded", SignInForm))
            .Produces(StatusCodes.Status302Found)
            .Produces<string>(StatusCodes.Status400BadRequest, "text/html")
            .Produces<string>(StatusCodes.Status401Unauthorized, "text/html");

        // The dashboard's sign-out is a plain form with an antiforgery field, so a cross-site page cannot sign the user out.
        endpoints.MapPost("/logout", async (HttpContext context) =>
            {
                // The antiforgery middleware validated the form because of the metadata below.
                if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Form expired", detail: "Reload the page and sign out again.");
                await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                return Results.Redirect("/login");
            })
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .WithName("SignOut").WithTags("Auth").WithSummary("Ends the dashboard session (a form with its antiforgery field).")
            .DescribesBody(("application/x-www-form-urlencoded", SignOutForm))
            .Produces(StatusCodes.Status302Found).ProducesProblem(StatusCodes.Status400BadRequest);
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, IAntiforgery antiforgery, AdminToken adminToken, ILoggerFactory loggers)
    {
        if (!context.Request.HasFormContentType)
            return Page(context, antiforgery, null, "Send the sign-in form.", StatusCodes.Status400BadRequest);

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var returnUrl = form["returnUrl"].ToString();
        if (!await antiforgery.IsRequestValidAsync(context))
            return Page(context, antiforgery, returnUrl, "The form expired. Try again.", StatusCodes.Status400BadRequest);

        var token = form["token"].ToString().Trim();
        if (token.Length == 0 || !adminToken.Matches(token))
        {
            loggers.CreateLogger("Bytebot.Auth").FailedSignIn(context.Connection.RemoteIpAddress);
            return Page(context, antiforgery, returnUrl, "That token is not valid.", StatusCodes.Status401Unauthorized);
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            AdminPrincipal.Create(adminToken, CookieAuthenticationDefaults.AuthenticationScheme));
        return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl : "/");
    }

    private static bool IsLocal(string url) =>
        url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var message = error is null ? "" : $"""<p class="error" role="alert">{WebUtility.HtmlEncode(error)}</p>""";
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Sign in · Bytebot</title>
              <style>
                :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
                body { display: grid; place-items: center; min-height: 100vh; margin: 0; background: Canvas; color: CanvasText; }
                form { display: grid; gap: .75rem; width: min(26rem, 90vw); padding: 2rem; border: 1px solid GrayText; border-radius: .75rem; }
                input, button { font: inherit; padding: .6rem; border-radius: .4rem; }
                button { cursor: pointer; }
                .error { color: #c62828; margin: 0; }
                .hint { font-size: .85rem; opacity: .8; margin: 0; }
              </style>
            </head>
            <body>
              <main>
                <form method="post" action="/login">
                  <h1>Bytebot</h1>
                  {{message}}
                  <label for="token">API token</label>
                  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
                  <input type="hidden" name="{{tokens.FormFieldName}}" value="{{WebUtility.HtmlEncode(tokens.RequestToken)}}">
                  <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl ?? "/")}}">
                  <button type="submit">Sign in</button>
                  <p class="hint">The token is in BYTEBOT_TOKEN, or in the admin-token file in the data directory.</p>
                </form>
              </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
