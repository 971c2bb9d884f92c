using System.Net.Http.Headers;

namespace Bytebot.Agent.Providers;

// A failed model call, reduced to what a retry or fallback policy decides on.
internal sealed class ModelProviderException(string provider, int? statusCode, TimeSpan? retryAfter, string message, Exception? innerException)
    : Exception(message, innerException)
{
    public string Provider { get; } = provider;

    // Null when no HTTP response arrived (connection failure, timeout).
    public int? StatusCode { get; } = statusCode;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    // 529 is Anthropic's "overloaded"; 408/409 are transient by RFC and by Anthropic's own SDK retry rules.
    public bool IsRetryable => StatusCode is null or 408 or 409 or 429 or >= 500;

    // The request no longer fits the model: Anthropic's "prompt is too long" and 413 request_too_large, OpenAI's
    // context_length_exceeded, and the wordings OpenAI-compatible servers (vLLM, Ollama, LiteLLM) use for the same.
    public bool IsContextOverflow => StatusCode is 413
        || (StatusCode is 400 && OverflowWords.Any(word => Message.Contains(word, StringComparison.OrdinalIgnoreCase)));

    private static readonly string[] OverflowWords =
        ["prompt is too long", "context_length_exceeded", "maximum context length", "context window", "too many tokens", "input is too long"];

    public static TimeSpan? ParseRetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        // Both Anthropic and OpenAI send retry-after-ms, which is finer than the standard header.
        if (headers.TryGetValues("retry-after-ms", out var millis)
            && double.TryParse(millis.FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out var ms))
            return TimeSpan.FromMilliseconds(ms);
        return headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };
    }

    public static TimeSpan? ParseRetryAfter(string? retryAfterMs, string? retryAfter, DateTimeOffset now)
    {
        using var message = new HttpResponseMessage();
        if (retryAfterMs is not null) message.Headers.TryAddWithoutValidation("retry-after-ms", retryAfterMs);
        if (retryAfter is not null) message.Headers.TryAddWithoutValidation("retry-after", retryAfter);
        return ParseRetryAfter(message.Headers, now);
    }
}
