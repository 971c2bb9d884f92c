using System.Net;
using System.Text.RegularExpressions;
using Bytebot.Tests.Infrastructure;

namespace Bytebot.Tests.Integration.Web;

[Collection("host")]
public sealed partial class LoginTests(HostFixture host)
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<v>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private static async Task<(HttpClient Client, string Antiforgery)> OpenLoginPageAsync(BytebotHostFactory factory)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = factory.ClientOptions.BaseAddress });
        var page = await client.GetStringAsync(new Uri("/login", UriKind.Relative), TestContext.Current.CancellationToken);
        return (client, AntiforgeryField().Match(page).Groups["v"].Value);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string antiforgery, string token) =>
        client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
            ["token"] = token,
            ["returnUrl"] = "/status",
        }), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Signing_in_with_the_token_sets_an_HttpOnly_SameSite_Strict_cookie_that_authenticates()
    {
        var (client, antiforgery) = await OpenLoginPageAsync(host.Factory);
        using (client)
        {
            using var response = await PostAsync(client, antiforgery, host.Factory.Token);

            response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            response.Headers.Location!.OriginalString.ShouldBe("/status");
            var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("bytebot.session=", StringComparison.Ordinal));
            cookie.ShouldContain("httponly", Case.Insensitive);
            cookie.ShouldContain("samesite=strict", Case.Insensitive);

            using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
            ready.StatusCode.ShouldNotBe(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task A_wrong_token_re_renders_the_form_with_401_and_sets_no_session()
    {
        var (client, antiforgery) = await OpenLoginPageAsync(host.Factory);
        using (client)
        {
            using var response = await PostAsync(client, antiforgery, "nope");

            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("not valid");
            var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];
            cookies.ShouldNotContain(c => c.StartsWith("bytebot.session=", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_field_is_refused()
    {
        var (client, _) = await OpenLoginPageAsync(host.Factory);
        using (client)
        {
            using var response = await PostAsync(client, "", host.Factory.Token);

            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task A_browser_without_a_session_is_sent_to_the_sign_in_page()
    {
        using var client = host.Factory.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("/login");
    }
}
