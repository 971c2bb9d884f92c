using System.Net;
using Bytebot.Tests.Infrastructure;

namespace Bytebot.Tests.Integration.Web;

public sealed class RateLimitTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_principal_over_its_rate_gets_429_problem_json_with_Retry_After_while_another_principal_is_unaffected()
    {
        var factory = new BytebotHostFactory(await postgres.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Security:RateLimitPerSecond"] = "1",
            ["Security:RateLimitBurst"] = "5",
            ["Desktop:Mode"] = "External",
            ["Desktop:Vnc"] = "false",
            ["DISPLAY"] = TestDisplays.Unreachable,
        });
        await using (factory)
        {
            using var client = factory.CreateAuthenticatedClient();
            var statuses = new List<HttpStatusCode>();
            HttpResponseMessage? limited = null;
            for (var i = 0; i < 20 && limited is null; i++)
            {
                var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative), TestContext.Current.CancellationToken);
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    limited = response;
                else
                    response.Dispose();
            }

            limited.ShouldNotBeNull($"statuses: {string.Join(',', statuses)}");
            statuses.Count(s => s == HttpStatusCode.OK).ShouldBeGreaterThanOrEqualTo(5);
            limited.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            limited.Headers.RetryAfter.ShouldNotBeNull();
            limited.Dispose();

            // Anonymous callers are partitioned by address, apart from the token's bucket.
            using var anonymous = factory.CreateAnonymousClient();
            (await anonymous.GetAsync(new Uri("/health/live", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }
}
