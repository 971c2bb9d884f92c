namespace Bytebot.Platform.Events;

/// <summary>Append-only event streams in PostgreSQL with optimistic concurrency and idempotent retries.</summary>
public interface IEventStore
{
    /// <summary>
    /// Appends <paramref name="events"/> to <paramref name="streamId"/> when its version equals
    /// <paramref name="expectedVersion"/> (a version, <see cref="ExpectedVersion.NoStream"/> or
    /// <see cref="ExpectedVersion.Any"/>); else throws <see cref="ConcurrencyException"/>. Repeating an append
    /// whose event ids are already stored writes nothing and returns the original result.
    /// </summary>
    Task<AppendResult> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken);

    /// <summary>The stream's events with a version of at least <paramref name="fromVersion"/>, oldest first.</summary>
    IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, long fromVersion, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="maxCount"/> events after <paramref name="afterPosition"/> in global order.</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, CancellationToken cancellationToken);
}

/// <summary>Stream versions count events from 1, so a stream's version is its number of events.</summary>
public static class ExpectedVersion
{
    public const long NoStream = 0;
    public const long Any = -1;
}

/// <summary>
/// An event to append. Its id is fixed when it is created, so retrying the same instance is idempotent;
/// pass an id to make retries idempotent across processes.
/// </summary>
public sealed record NewEvent(object Data)
{
    public Guid EventId { get; init; } = Guid.CreateVersion7();

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

public sealed record AppendResult(long StreamVersion, long LastPosition);

public sealed record RecordedEvent(
    long GlobalPosition,
    string StreamId,
    long Version,
    Guid EventId,
    string Type,
    object Data,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset CreatedAt);

public sealed class ConcurrencyException : Exception
{
    public ConcurrencyException()
    {
    }

    public ConcurrencyException(string message) : base(message)
    {
    }

    public ConcurrencyException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public ConcurrencyException(string streamId, long expectedVersion, long actualVersion)
        : base($"Stream '{streamId}' is at version {actualVersion}, not the expected {expectedVersion}.")
    {
        StreamId = streamId;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    public string? StreamId { get; }

    public long ExpectedVersion { get; }

    public long ActualVersion { get; }
}
