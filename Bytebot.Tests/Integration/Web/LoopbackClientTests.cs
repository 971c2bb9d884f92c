using System.Net;
using System.Text;
using Bytebot.Tests.Infrastructure;

namespace Bytebot.Tests.Integration.Web;

/// <summary>DESIGN §5: unmodified Bytebot clients on loopback may use /computer-use without a token, only when configured.</summary>
public sealed class LoopbackClientTests(PostgresFixture postgres)
{
    private async Task<(HttpStatusCode ComputerUse, HttpStatusCode Ready)> CallWithoutTokenAsync(bool allow)
    {
        await using var factory = new BytebotHostFactory(await postgres.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Auth:AllowAnonymousLoopback"] = allow ? "true" : "false",
            ["Desktop:Mode"] = "External",
            ["Desktop:Vnc"] = "false",
            ["DISPLAY"] = TestDisplays.Unreachable,
        });
        using var client = new HttpClient { BaseAddress = new Uri(factory.StartKestrel()) };
        // An invalid action is refused by validation, so reaching the 400 proves authentication let the call through.
        using var action = await client.PostAsync(new Uri("/computer-use", UriKind.Relative),
            new StringContent("""{"action":"type_keys","keys":[]}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        return (action.StatusCode, ready.StatusCode);
    }

    [Fact]
    public async Task By_default_a_loopback_caller_without_a_token_is_refused()
    {
        (await CallWithoutTokenAsync(allow: false)).ShouldBe((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task When_allowed_a_loopback_caller_reaches_computer_use_but_nothing_else()
    {
        (await CallWithoutTokenAsync(allow: true)).ShouldBe((HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized));
    }
}
