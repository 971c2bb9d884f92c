using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Bytebot.Cli.Connection;

namespace Bytebot.Cli.Following;

/// <summary>One event of <c>GET /api/tasks/{id}/events</c>: its global position, type and data.</summary>
internal sealed record TaskEvent(long Position, string Type, JsonElement Data);

/// <summary>
/// Reads the task's server-sent events: its history first, then live. A dropped connection is reopened with
/// <c>Last-Event-ID</c>, so the host sends only what was missed and no step is shown twice or lost.
/// </summary>
internal static class TaskEventReader
{
    private const int Reconnects = 10;

    public static async IAsyncEnumerable<TaskEvent> ReadAsync(HostClient client, Guid taskId,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long after = 0;
        var failures = 0;
        while (true)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"api/tasks/{taskId}/events");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (after > 0)
                request.Headers.Add("Last-Event-ID", after.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await using var events = Events(client, request, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                TaskEvent? next;
                try
                {
                    next = await events.MoveNextAsync() ? events.Current : null;
                }
                catch (Exception e) when (e is IOException or HttpRequestException || (e is CliException && failures > 0))
                {
                    // The host restarted or a proxy cut the stream: reopen it from the last event seen.
                    if (failures >= Reconnects)
                        throw new CliException($"lost the event stream of task {taskId}: {e.Message}");
                    next = null;
                }
                if (next is null)
                {
                    failures++;
                    break;
                }
                failures = 0;
                after = next.Position;
                yield return next;
            }
            if (failures > Reconnects)
                throw new CliException($"the event stream of task {taskId} keeps ending; the host may be restarting");
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 << Math.Min(failures, 5))), cancellationToken);
        }
    }

    private static async IAsyncEnumerable<TaskEvent> Events(HostClient client, HttpRequestMessage request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await client.OpenStreamAsync(request, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        long id = 0;
        string? type = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (type is not null && data.Length > 0)
                {
                    using var payload = JsonDocument.Parse(data.ToString());
                    yield return new TaskEvent(id, type, payload.RootElement.GetProperty("data").Clone());
                }
                type = null;
                data.Clear();
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
                id = long.Parse(line.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
                type = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
                data.Append(line.AsSpan(6));
        }
    }
}
