using Bytebot.Host.Telemetry;

namespace Bytebot.Tests.Unit;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("?access_token=abc.def&x=1", "?access_token=[REDACTED]&x=1")]
    [InlineData("/websockify?token=s3cret", "/websockify?token=[REDACTED]")]
    [InlineData("http://h/p?a=1&API_KEY=sk-123#frag", "http://h/p?a=1&API_KEY=[REDACTED]#frag")]
    [InlineData("?monkey=banana&page=2", "?monkey=banana&page=2")]
    public void Secret_query_values_are_masked_and_others_kept(string input, string expected)
    {
        SecretRedactor.Redact(input).ShouldBe(expected);
    }
}
