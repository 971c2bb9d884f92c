using System.Net;
using Bytebot.Tests.Infrastructure;

namespace Bytebot.Tests.Integration.Desktop.ComputerUse;

/// <summary>reliability.md R6: with no usable display, actions fail fast as 503 desktop_unavailable, never a 500 or a hang.</summary>
public sealed class DesktopUnavailableTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Actions_on_an_unreachable_desktop_answer_503_problem_json_while_bad_input_still_answers_400()
    {
        await using var factory = new BytebotHostFactory(await postgres.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Desktop:Mode"] = "External",
            ["Desktop:Vnc"] = "false",
            ["DISPLAY"] = TestDisplays.Unreachable,
        });
        using var client = factory.CreateAuthenticatedClient();

        var response = await client.PostActionAsync("""{"action":"screenshot"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("desktop_unavailable");
        await (await client.PostActionAsync("""{"action":"type_keys","keys":[]}""")).ShouldBeRejectedAsync("keys");
    }
}
