using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Bytebot.Tests.Infrastructure;

namespace Bytebot.Tests.Integration.Web;

/// <summary>ADR 0012: a write authenticated by the session cookie needs X-Bytebot-Request, which no form can send.</summary>
[Collection("host")]
public sealed partial class CookieRequestGuardTests(HostFixture host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<v>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private async Task<HttpClient> SignedInClientAsync()
    {
        var client = host.Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = host.Factory.ClientOptions.BaseAddress });
        var page = await client.GetStringAsync(new Uri("/login", UriKind.Relative), Ct);
        using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups["v"].Value,
            ["token"] = host.Factory.Token,
        }), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    [Fact]
    public async Task A_cookie_authenticated_write_without_the_header_is_refused_and_with_it_goes_through()
    {
        using var client = await SignedInClientAsync();

        using var forged = await client.PostAsync(new Uri("/api/tasks", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["description"] = "a form on another port of this host",
        }), Ct);
        forged.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await forged.Content.ReadAsStringAsync(Ct)).ShouldContain("X-Bytebot-Request");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks") { Content = JsonContent.Create(new { description = "from the dashboard" }) };
        request.Headers.Add("X-Bytebot-Request", "1");
        (await client.SendAsync(request, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);

        (await client.GetAsync(new Uri("/api/tasks", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Bearer_clients_need_no_header()
    {
        using var client = host.Factory.CreateAuthenticatedClient();

        using var response = await client.PostAsJsonAsync("/api/tasks", new { description = "from a script" }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Signing_out_needs_the_forms_antiforgery_field()
    {
        using var client = await SignedInClientAsync();

        using var forged = await client.PostAsync(new Uri("/logout", UriKind.Relative), new FormUrlEncodedContent([]), Ct);
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.GetAsync(new Uri("/api/tasks", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
