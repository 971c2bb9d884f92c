using Bytebot.Agent.Providers;
using Bytebot.Tests.Fakes.Llm;

namespace Bytebot.Tests.Integration.Agent;

/// <summary>A fresh fake server per test and a catalog whose three configured models all point at it.</summary>
public abstract class ProviderTest(TimeProvider time) : IAsyncLifetime
{
    private protected FakeLlmServer Server { get; private set; } = null!;

    private protected ModelCatalog Catalog { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await FakeLlmServer.StartAsync();
        Catalog = ProviderScenario.Catalog(Server, time);
    }

    public async ValueTask DisposeAsync()
    {
        Catalog.Dispose();
        await Server.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
