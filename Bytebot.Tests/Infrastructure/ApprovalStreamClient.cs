using System.Net;
using System.Text.Json;
using System.Threading.Channels;

namespace Bytebot.Tests.Infrastructure;

/// <summary>A client holding <c>GET /api/approvals/stream</c> open: an approver, reading its events.</summary>
internal sealed class ApprovalStreamClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<(string Type, JsonElement Data)> _events =
        Channel.CreateUnbounded<(string, JsonElement)>();
    private readonly Task _reading;

    private ApprovalStreamClient(HttpResponseMessage response)
    {
        _response = response;
        _reading = ReadAsync();
    }

    public static async Task<ApprovalStreamClient> OpenAsync(HttpClient client)
    {
        var response = await client.GetAsync(
            new Uri("/api/approvals/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        return new ApprovalStreamClient(response);
    }

    public async Task<JsonElement> NextAsync(string type)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var (received, data) = await _events.Reader.ReadAsync(limit.Token);
            if (received == type)
                return data;
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            using var reader = new StreamReader(await _response.Content.ReadAsStreamAsync(_stop.Token));
            string? type = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                    type = line["event: ".Length..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && type is not null)
                {
                    using var data = JsonDocument.Parse(line["data: ".Length..]);
                    _events.Writer.TryWrite((type, data.RootElement.Clone()));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading;
        _stop.Dispose();
    }
}
