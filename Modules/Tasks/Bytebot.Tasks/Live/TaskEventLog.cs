using System.Text.Json;
using Bytebot.Tasks.Contracts;
using JasperFx.Events;
using Marten;

namespace Bytebot.Tasks.Live;

/// <summary>Reads of the whole task log in sequence order, for live feeds and SSE catch-up.</summary>
internal static class TaskEventLog
{
    // By sequence, the events table's key (it has no index on event ids).
    public static async Task<IReadOnlyList<IEvent>> BySequencesAsync(
        IDocumentStore store, long[] sequences, CancellationToken cancellationToken)
    {
        if (sequences.Length == 0)
            return [];
        await using var session = store.QuerySession();
        return await session.Events.QueryAllRawEvents()
            .Where(e => sequences.Contains(e.Sequence)).OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
    }

    public static async Task<IReadOnlyList<IEvent>> AfterAsync(
        IDocumentStore store, long position, int maxCount, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > position).OrderBy(e => e.Sequence).Take(maxCount).ToListAsync(cancellationToken);
    }

    public static async Task<long> LastSequenceAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var last = await session.Events.QueryAllRawEvents()
            .OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(cancellationToken);
        return last?.Sequence ?? 0;
    }

    public static TaskNotification ToNotification(IEvent recorded) => new(
        recorded.StreamId, recorded.Sequence, recorded.Version, recorded.EventTypeName,
        JsonSerializer.SerializeToElement(recorded.Data, recorded.Data.GetType(), JsonSerializerOptions.Web),
        recorded.Timestamp);
}
