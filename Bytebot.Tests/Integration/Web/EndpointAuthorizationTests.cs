using System.Net;
using Bytebot.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Web;

[Collection("host")]
public sealed class EndpointAuthorizationTests(HostFixture host)
{
    // Written out on purpose: adding an anonymous endpoint must be a visible change to this list.
    // The circuit hub's connection is open, its methods are not (ADR 0021); enumerated as GETs, they answer 400 and 405.
    // Telegram's webhook carries no bearer token: its secret token header is the check (TelegramTests, 403 without it).
    private static readonly HashSet<string> AnonymousAllowlist =
    [
        "GET /health/live", "GET /login", "POST /login", "GET /_blazor", "GET /_blazor/negotiate",
        "POST /api/channels/telegram",
    ];

    private static IEnumerable<(string Method, string Path, string Display)> MappedRequests(IServiceProvider services)
    {
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment =>
                string.Concat(segment.Parts.Select(part => part switch
                {
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
                    _ => "x",
                }))));
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
                yield return (method, path, endpoint.DisplayName ?? path);
        }
    }

    [Fact]
    public async Task Every_mapped_endpoint_but_the_allowlist_answers_401_without_credentials()
    {
        using var client = host.Factory.CreateAnonymousClient();
        var requests = MappedRequests(host.Factory.Services).ToList();
        requests.Count.ShouldBeGreaterThan(10);
        requests.ShouldContain(r => r.Path == "/websockify", "the WebSocket bridge is enumerated too");

        var failures = new List<string>();
        foreach (var (method, path, display) in requests)
        {
            if (AnonymousAllowlist.Contains($"{method} {path}"))
                continue;
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
                failures.Add($"{method} {path} ({display}) → {(int)response.StatusCode}");
        }

        failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_allowlisted_endpoints_answer_without_credentials()
    {
        using var client = host.Factory.CreateAnonymousClient();

        (await client.GetAsync(new Uri("/health/live", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync(new Uri("/login", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        // With Telegram off (this host), its webhook is not there for anyone.
        using var telegram = await client.PostAsync(
            new Uri("/api/channels/telegram", UriKind.Relative), new StringContent("{}"), TestContext.Current.CancellationToken);
        telegram.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task With_the_token_readiness_answers_200_with_database_display_and_vnc()
    {
        using var client = host.Factory.CreateAuthenticatedClient();

        using var response = await HostFixture.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(30));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        body.ShouldContain("\"database\"");
        body.ShouldContain("\"display\"");
        body.ShouldContain("\"vnc\"");
    }

    [Fact]
    public async Task A_wrong_token_is_refused()
    {
        using var client = host.Factory.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
        request.Headers.Authorization = new("Bearer", host.Factory.Token + "x");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
    }
}
