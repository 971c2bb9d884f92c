using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Bytebot.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Web;

public sealed class TelemetryTests(PostgresFixture postgres)
{
    /// <summary>A loopback OTLP/HTTP receiver: records what the exporter posts, per signal path.</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private OtlpReceiver(WebApplication app) => _app = app;

        public ConcurrentQueue<(string Path, byte[] Body)> Posts { get; } = new();

        public string Endpoint => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseSetting("urls", "http://127.0.0.1:0");
            var app = builder.Build();
            var receiver = new OtlpReceiver(app);
            app.MapPost("/v1/{signal}", async (HttpRequest request, string signal) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                receiver.Posts.Enqueue(("/v1/" + signal, body.ToArray()));
                return Results.Ok();
            });
            await app.StartAsync();
            return receiver;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }

    [Fact]
    public async Task Spans_for_an_HTTP_request_reach_an_OTLP_receiver_with_secrets_redacted()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var factory = new BytebotHostFactory(await postgres.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["Desktop:Mode"] = "External",
            ["Desktop:Vnc"] = "false",
            ["DISPLAY"] = TestDisplays.Unreachable,
        });
        await using (factory)
        {
            using var client = factory.CreateAnonymousClient();
            using var response = await client.GetAsync(new Uri("/health/live?access_token=topsecret", UriKind.Relative), TestContext.Current.CancellationToken);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // Disposing the host flushes the batch exporter.
        var traces = receiver.Posts.Where(p => p.Path == "/v1/traces").Select(p => Encoding.UTF8.GetString(p.Body)).ToList();
        traces.ShouldNotBeEmpty();
        var all = string.Concat(traces);
        all.ShouldContain("Microsoft.AspNetCore");
        all.ShouldContain("/health/live");
        all.ShouldNotContain("topsecret");
    }
}
