namespace Bytebot.Agent.Providers;

// The Anthropic SDK's exceptions carry the status and body but not the headers, so this handler keeps
// Retry-After for the call in flight. The box is created by the caller and flows down through the AsyncLocal.
internal sealed class RetryAfterCapture(TimeProvider time, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly AsyncLocal<Scope?> Current = new();

    public static Scope Begin() => Current.Value = new Scope();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && Current.Value is { } scope)
            scope.RetryAfter = ModelProviderException.ParseRetryAfter(response.Headers, time.GetUtcNow());
        return response;
    }

    internal sealed class Scope : IDisposable
    {
        public TimeSpan? RetryAfter { get; set; }

        public void Dispose() => Current.Value = null;
    }
}
