namespace Actors.EventSourcing;

/// <summary>
/// The event log: the source of truth. Streams are append-only; an append states the version it expects the
/// stream to be at, and a log that finds another version refuses the whole append (nothing is overwritten).
/// </summary>
public interface IEventLog
{
    /// <summary>Appends <paramref name="events"/> to <paramref name="streamId"/> if it is at <paramref name="expectedVersion"/> (0 = new stream).</summary>
    /// <exception cref="WrongExpectedVersionException">Another writer appended first.</exception>
    Task<IReadOnlyList<RecordedEvent>> AppendAsync(
        string streamId, long expectedVersion, IReadOnlyList<object> events, EventMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends to several distinct streams as one: every stream is checked at its expected version, and either all
    /// the appends are written (in one commit, at consecutive positions, in the order given) or, when any stream has
    /// moved, none is. The result holds each append's recorded events, in the order of <paramref name="appends"/>.
    /// Lets one process record facts of several aggregates together, each decided by its own aggregate on the state
    /// it had at the version the append expects.
    /// </summary>
    /// <exception cref="WrongExpectedVersionException">A stream was not at its expected version (the first such stream); nothing was written.</exception>
    Task<IReadOnlyList<IReadOnlyList<RecordedEvent>>> AppendAtomicallyAsync(
        IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default);

    /// <summary>The events of one stream with a version greater than <paramref name="afterVersion"/>, in order.</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="maxCount"/> events of the whole log (or of one category) with a position greater than
    /// <paramref name="afterPosition"/>, in position order. A reader that follows positions never misses an event.
    /// </summary>
    Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(
        long afterPosition, int maxCount, string? category = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="maxCount"/> events of one category in one delivery partition
    /// (<see cref="EventStreams.PartitionOf"/>) with a position greater than <paramref name="afterPosition"/>, in
    /// position order: what a read model kept per partition replays when it activates. The logs read only that
    /// partition; this default (for wrappers and test doubles) reads the category and keeps the partition's events.
    /// </summary>
    async Task<IReadOnlyList<RecordedEvent>> ReadCategoryPartitionAsync(
        string category, int partition, long afterPosition, int maxCount, CancellationToken cancellationToken = default)
    {
        var found = new List<RecordedEvent>();
        while (found.Count < maxCount)
        {
            var page = await ReadAllAsync(afterPosition, maxCount, category, cancellationToken);
            foreach (var e in page)
            {
                if (EventStreams.PartitionOf(e.StreamId) == partition && found.Count < maxCount)
                {
                    found.Add(e);
                }
            }

            if (page.Count < maxCount)
            {
                break;
            }

            afterPosition = page[^1].Position;
        }

        return found;
    }
}

/// <summary>One stream's part of <see cref="IEventLog.AppendAtomicallyAsync"/>.</summary>
public sealed record StreamAppend(string StreamId, long ExpectedVersion, IReadOnlyList<object> Events, EventMetadata Metadata);

/// <summary>Who asked for the events being appended.</summary>
public sealed record EventMetadata(string? CorrelationId, string? CausationId)
{
    public static readonly EventMetadata None = new(null, null);
}

/// <summary>An append found the stream at another version than the writer expected.</summary>
public sealed class WrongExpectedVersionException(string streamId, long expected, long actual)
    : Exception($"Stream '{streamId}' is at version {actual}, the append expected {expected}.")
{
    public string StreamId { get; } = streamId;

    public long ExpectedVersion { get; } = expected;

    public long ActualVersion { get; } = actual;
}
