using System.Collections.Concurrent;
using Bytebot.Agent.Providers;
using Microsoft.Extensions.Logging;

namespace Bytebot.Agent.Loop;

/// <summary>A turn and the model that produced it.</summary>
internal sealed record RoutedTurn(ModelTurn Turn, ConfiguredModel Model, TimeSpan Elapsed);

/// <summary>
/// Calls the task's model with retries (backoff with jitter, Retry-After honoured), then each configured fallback in
/// turn while the failure is retryable. A request the provider refuses (400, 401, 403) fails at once: no other model
/// would accept a request that is wrong, and a bad key is a configuration error to report, not to route around.
/// </summary>
internal sealed partial class ModelRouter(ModelCatalog catalog, AgentOptions options, TimeProvider time, ILogger<ModelRouter> logger)
{
    private readonly ConcurrentDictionary<ConfiguredModel, IModelProvider> _retrying = new();

    public async Task<RoutedTurn> CompleteAsync(ConfiguredModel primary, ModelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(primary);
        var chain = new List<ConfiguredModel> { primary };
        chain.AddRange(options.Fallbacks.Where(name => name != primary.Name)
            .Select(name => catalog.Resolve(name)).OfType<ConfiguredModel>());
        var started = time.GetTimestamp();
        for (var i = 0; ; i++)
        {
            var model = chain[i];
            try
            {
                var turn = await Provider(model).CompleteAsync(request, cancellationToken);
                return new RoutedTurn(turn, model, time.GetElapsedTime(started));
            }
            catch (ModelProviderException e) when (e.IsRetryable && i + 1 < chain.Count)
            {
                LogFallback(logger, model.Name, chain[i + 1].Name, e.Message);
            }
        }
    }

    private IModelProvider Provider(ConfiguredModel model) => _retrying.GetOrAdd(model, _ =>
        new RetryingModelProvider(
            catalog.Provider(model), time, new RetrySettings(options.RetryAttempts, options.RetryBaseDelay)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} kept failing ({Reason}); falling back to {Fallback}.")]
    private static partial void LogFallback(ILogger logger, string model, string fallback, string reason);
}
