using Polly;
using Polly.Retry;

namespace Bytebot.Agent.Providers;

internal sealed record RetrySettings(int MaxAttempts, TimeSpan BaseDelay)
{
    public static RetrySettings Default { get; } = new(4, TimeSpan.FromSeconds(2));
}

// Exponential backoff with jitter; a server's Retry-After replaces the computed delay. 400/401/403 fail at once.
internal sealed class RetryingModelProvider(IModelProvider inner, TimeProvider time, RetrySettings settings) : IModelProvider
{
    private readonly ResiliencePipeline _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<ModelProviderException>(ex => ex.IsRetryable),
            MaxRetryAttempts = settings.MaxAttempts,
            Delay = settings.BaseDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            DelayGenerator = static args => ValueTask.FromResult(
                args.Outcome.Exception is ModelProviderException { RetryAfter: { } retryAfter } ? retryAfter : (TimeSpan?)null),
        })
        .Build();

    public Task<ModelTurn> CompleteAsync(ModelRequest request, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(
            static (state, token) => new ValueTask<ModelTurn>(state.inner.CompleteAsync(state.request, token)),
            (inner, request),
            cancellationToken).AsTask();
}
