using Actors.EventSourcing;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Serialization;

namespace Actors.Postgres;

/// <summary>
/// The event log in PostgreSQL (table <c>actors_events</c>, deploy/sql/01-event-log.sql).
/// Appends from every grain of the process are queued and committed together by a few writer loops (group commit:
/// one transaction and one WAL flush for many appends); each append is still accepted or refused on its own by
/// its expected version. Positions are assigned under the log-head row lock, so they follow commit order and a
/// reader that follows positions never skips an event (see <c>actors_append</c>).
/// Payloads are the Orleans binary serialization of the event record, whose type is written by its [Alias].
/// </summary>
/// <remarks>
/// The appends are queued here and committed by <see cref="GroupCommit"/> (one statement per batch:
/// <see cref="AppendCommit"/>); the reads are <see cref="EventLogReads"/>.
/// </remarks>
public sealed class PostgresEventLog : IEventLog, IAsyncDisposable
{
    /// <inheritdoc cref="EventLogReads.SelectEvents"/>
    internal const string SelectEvents = EventLogReads.SelectEvents;

    private readonly Serializer _serializer;
    private readonly EventLogReads _reads;
    private readonly GroupCommit _commits;

    public PostgresEventLog(NpgsqlDataSource dataSource, Serializer serializer, PostgresEventLogOptions options, ILogger<PostgresEventLog> logger)
    {
        _serializer = serializer;
        _reads = new EventLogReads(dataSource, serializer, logger);
        _commits = new GroupCommit(dataSource, options, logger);
    }

    public Task<IReadOnlyList<RecordedEvent>> AppendAsync(
        string streamId, long expectedVersion, IReadOnlyList<object> events, EventMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        if (events.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<RecordedEvent>>([]);
        }

        var pending = new PendingWrite([Prepare(streamId, expectedVersion, events, metadata)], atomic: false);
        _commits.Enqueue(pending);
        return pending.Single!.Task;
    }

    public Task<IReadOnlyList<IReadOnlyList<RecordedEvent>>> AppendAtomicallyAsync(
        IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default)
    {
        if (appends.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<IReadOnlyList<RecordedEvent>>>([]);
        }

        if (appends.Select(a => a.StreamId).Distinct(StringComparer.Ordinal).Count() != appends.Count)
        {
            throw new ArgumentException("An atomic append names each stream once.", nameof(appends));
        }

        foreach (var append in appends)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(append.ExpectedVersion);
        }

        var pending = new PendingWrite(appends.Select(a => Prepare(a.StreamId, a.ExpectedVersion, a.Events, a.Metadata)).ToArray(), atomic: true);
        _commits.Enqueue(pending);
        return pending.Atomic!.Task;
    }

    private PendingAppend Prepare(string streamId, long expectedVersion, IReadOnlyList<object> events, EventMetadata metadata) =>
        new(streamId, expectedVersion, events, metadata, events.Select(e => _serializer.SerializeToArray(e)).ToArray());

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default) =>
        _reads.ReadStreamAsync(streamId, afterVersion, cancellationToken);

    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(
        long afterPosition, int maxCount, string? category = null, CancellationToken cancellationToken = default) =>
        _reads.ReadAllAsync(afterPosition, maxCount, category, cancellationToken);

    /// <summary>Up to <paramref name="maxCount"/> events of one delivery partition (all categories) after a position, in order.</summary>
    public Task<IReadOnlyList<RecordedEvent>> ReadPartitionAsync(int partition, long afterPosition, int maxCount, CancellationToken cancellationToken = default) =>
        _reads.ReadPartitionAsync(partition, afterPosition, maxCount, cancellationToken);

    public Task<IReadOnlyList<RecordedEvent>> ReadCategoryPartitionAsync(
        string category, int partition, long afterPosition, int maxCount, CancellationToken cancellationToken = default) =>
        _reads.ReadCategoryPartitionAsync(category, partition, afterPosition, maxCount, cancellationToken);

    /// <summary>The event at <paramref name="position"/>, if any.</summary>
    public Task<RecordedEvent?> ReadAtAsync(long position, CancellationToken cancellationToken = default) =>
        _reads.ReadAtAsync(position, cancellationToken);

    /// <summary>The last position handed out (0 for an empty log).</summary>
    public Task<long> ReadHeadAsync(CancellationToken cancellationToken = default) => _reads.ReadHeadAsync(cancellationToken);

    public ValueTask DisposeAsync() => _commits.DisposeAsync();

    /// <inheritdoc cref="EventLogReads.ReadSelectedAsync"/>
    internal Task<IReadOnlyList<RecordedEvent>> ReadSelectedAsync(NpgsqlCommand command, CancellationToken cancellationToken = default) =>
        _reads.ReadSelectedAsync(command, cancellationToken);
}
