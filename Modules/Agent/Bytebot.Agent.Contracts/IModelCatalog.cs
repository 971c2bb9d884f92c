namespace Bytebot.Agent.Contracts;

/// <summary>The language models this installation is configured to run tasks with (for <c>GET /api/tasks/models</c>).</summary>
public interface IModelCatalog
{
    /// <summary>Every configured model, in configuration order; the first one is the default.</summary>
    IReadOnlyList<ModelDescriptor> Models { get; }
}

/// <summary>One configured model.</summary>
/// <param name="Name">The name a task refers to the model by; unique in the catalog.</param>
/// <param name="Provider"><c>anthropic</c>, <c>openai</c> or <c>openai-compatible</c>.</param>
/// <param name="Title">A human-readable title for pickers.</param>
/// <param name="ContextWindow">Tokens the model accepts, when known.</param>
public sealed record ModelDescriptor(string Name, string Provider, string Title, int? ContextWindow = null);
