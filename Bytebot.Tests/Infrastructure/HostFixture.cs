using System.Net;

namespace Bytebot.Tests.Infrastructure;

/// <summary>One running host shared by the tests of the "host" collection; started once, ready before the first test.</summary>
public sealed class HostFixture(PostgresFixture postgres) : IAsyncLifetime
{
    private BytebotHostFactory? _factory;

    public BytebotHostFactory Factory => _factory ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        // The enumeration test sends hundreds of anonymous requests from one address; the limiter has its own test.
        _factory = new BytebotHostFactory(await postgres.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Security:RateLimitBurst"] = "100000",
        });
        using var client = _factory.CreateAuthenticatedClient();
        await WaitUntilReadyAsync(client, TimeSpan.FromSeconds(90));
    }

    public static async Task<HttpResponseMessage> WaitUntilReadyAsync(HttpClient client, TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        while (true)
        {
            var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.OK || cts.IsCancellationRequested)
                return response;
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
            await _factory.DisposeAsync();
    }
}

[CollectionDefinition("host")]
public sealed class HostGroup : ICollectionFixture<HostFixture>;
