using Bytebot.Agent.Providers;

namespace Bytebot.Tests.Unit.Agent;

public sealed class ModelProviderExceptionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, "7", 7_000)]
    [InlineData("1500", "2", 1_500)]
    [InlineData(null, "Sun, 22 Nov 2026 03:00:30 GMT", 30_000)]
    [InlineData(null, "Sun, 22 Nov 2026 02:59:00 GMT", 0)]
    public void Retry_after_prefers_milliseconds_and_reads_seconds_and_dates(string? retryAfterMs, string retryAfter, int expectedMs)
    {
        ModelProviderException.ParseRetryAfter(retryAfterMs, retryAfter, Now).ShouldBe(TimeSpan.FromMilliseconds(expectedMs));
    }

    [Fact]
    public void Without_a_header_there_is_no_retry_after()
    {
        ModelProviderException.ParseRetryAfter(null, null, Now).ShouldBeNull();
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(529, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    public void Only_transient_failures_are_retryable(int? status, bool retryable)
    {
        new ModelProviderException("anthropic", status, null, "failed", null).IsRetryable.ShouldBe(retryable);
    }

    [Theory]
    [InlineData(400, "Anthropic returned 400: prompt is too long: 210412 tokens > 200000 maximum", true)]
    [InlineData(400, "openai returned 400: Error code: context_length_exceeded", true)]
    [InlineData(400, "openai-compatible returned 400: This model's maximum context length is 32768 tokens", true)]
    [InlineData(413, "Anthropic returned 413: request_too_large", true)]
    [InlineData(400, "Anthropic returned 400: messages.1: tool_use ids were found without tool_result blocks", false)]
    [InlineData(429, "rate limited: too many tokens per minute", false)]
    public void Only_requests_that_outgrew_the_model_count_as_a_context_overflow(int status, string message, bool overflow)
    {
        new ModelProviderException("p", status, null, message, null).IsContextOverflow.ShouldBe(overflow);
    }
}
