namespace Bytebot.Agent.Contracts;

/// <summary>
/// The language models this installation can run tasks with (for <c>GET /api/tasks/models</c> and task creation):
/// the built-in models of every configured provider, the configured extras, and what each provider's
/// <c>/v1/models</c> lists, cached and refreshed in the background.
/// </summary>
public interface IModelCatalog
{
    /// <summary>The models as last listed, without waiting for a provider; the first one is the default.</summary>
    IReadOnlyList<ModelDescriptor> Models { get; }

    /// <summary>The models, after the first answer (or failure) of every configured provider's list.</summary>
    /// <param name="cancellationToken">Stops the wait, not the listing.</param>
    Task<IReadOnlyList<ModelDescriptor>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Whether a task may name this model, after the first listing as <see cref="ListAsync"/>.</summary>
    /// <param name="provider">The task's <c>model.provider</c>.</param>
    /// <param name="name">The task's <c>model.name</c>.</param>
    /// <param name="cancellationToken">Stops the wait, not the listing.</param>
    Task<ModelAvailability> CheckAsync(string provider, string name, CancellationToken cancellationToken);
}

/// <summary>The answer of <see cref="IModelCatalog.CheckAsync"/>.</summary>
public enum ModelAvailability
{
    /// <summary>The provider is configured and lists the model, or its list is unknown (any name is tried).</summary>
    Available,

    /// <summary>No provider of that name exists.</summary>
    UnknownProvider,

    /// <summary>The provider exists but has no key (or base URL) configured.</summary>
    ProviderNotConfigured,

    /// <summary>The provider's known list does not have the model.</summary>
    NotListed,
}

/// <summary>One model a task can name.</summary>
/// <param name="Name">The name a task refers to the model by; unique in the catalog.</param>
/// <param name="Provider"><c>anthropic</c>, <c>openai</c> or <c>openai-compatible</c>.</param>
/// <param name="Title">A human-readable title for pickers.</param>
/// <param name="ContextWindow">Tokens the model accepts, when known.</param>
public sealed record ModelDescriptor(string Name, string Provider, string Title, int? ContextWindow = null);
