using System.Diagnostics;
using System.Threading.Channels;
using Actors.EventSourcing;
using Actors.Observability;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;

namespace Actors.Postgres;

/// <summary>Tuning of <see cref="PostgresEventLog"/>'s group commit.</summary>
public sealed class PostgresEventLogOptions
{
    /// <summary>The configuration section (<c>EventLog__ConcurrentCommits=1</c> as an environment variable).</summary>
    public const string Section = "EventLog";

    /// <summary>Most appends (from different grains) committed in one transaction.</summary>
    public int MaxAppendsPerCommit { get; set; } = 512;

    /// <summary>
    /// Commits in flight at once from this process. Commits are serialized in the database (the log head lock), so
    /// more than 2 only queues; 2 lets one batch travel and bind while the other flushes WAL.
    /// </summary>
    public int ConcurrentCommits { get; set; } = 2;
}

/// <summary>
/// The event log in PostgreSQL (table <c>actors_events</c>, deploy/sql/01-event-log.sql).
/// Appends from every grain of the process are queued and committed together by a few writer loops (group commit:
/// one transaction and one WAL flush for many appends); each append is still accepted or refused on its own by
/// its expected version. Positions are assigned under the log-head row lock, so they follow commit order and a
/// reader that follows positions never skips an event (see <c>actors_append</c>).
/// Payloads are the Orleans binary serialization of the event record, whose type is written by its [Alias].
/// </summary>
public sealed class PostgresEventLog : IEventLog, IAsyncDisposable
{
    private const string Columns = "position, stream_id, version, event_id, recorded_at, correlation_id, causation_id, payload";

    /// <summary>
    /// The start of a query for whole events that <see cref="ReadSelectedAsync"/> decodes, for other readers of the log
    /// (e.g. the user activity index): append a WHERE clause on <c>actors_events</c> and an ORDER BY.
    /// </summary>
    internal const string SelectEvents = $"SELECT {Columns} FROM actors_events";

    private readonly NpgsqlDataSource _dataSource;
    private readonly Serializer _serializer;
    private readonly PostgresEventLogOptions _options;
    private readonly ILogger<PostgresEventLog> _logger;
    private readonly Channel<PendingWrite> _pending = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = false });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _writers;

    public PostgresEventLog(NpgsqlDataSource dataSource, Serializer serializer, PostgresEventLogOptions options, ILogger<PostgresEventLog> logger)
    {
        _dataSource = dataSource;
        _serializer = serializer;
        _options = options;
        _logger = logger;
        _writers = Enumerable.Range(0, Math.Max(1, options.ConcurrentCommits)).Select(_ => Task.Run(WriteLoopAsync)).ToArray();
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
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(PostgresEventLog));
        }

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
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(PostgresEventLog));
        }

        return pending.Atomic!.Task;
    }

    private PendingAppend Prepare(string streamId, long expectedVersion, IReadOnlyList<object> events, EventMetadata metadata) =>
        new(streamId, expectedVersion, events, metadata, events.Select(e => _serializer.SerializeToArray(e)).ToArray());

    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT {Columns} FROM actors_events WHERE stream_id = $1 AND version > $2 ORDER BY version");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterVersion });
        return await ReadEventsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(
        long afterPosition, int maxCount, string? category = null, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(category is null
            ? $"SELECT {Columns} FROM actors_events WHERE position > $1 ORDER BY position LIMIT $2"
            : $"SELECT {Columns} FROM actors_events WHERE position > $1 AND category = $3 ORDER BY position LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterPosition });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        if (category is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = category });
        }

        return await ReadEventsAsync(command, cancellationToken);
    }

    /// <summary>Up to <paramref name="maxCount"/> events of one delivery partition (all categories) after a position, in order.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadPartitionAsync(int partition, long afterPosition, int maxCount, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT {Columns} FROM actors_events WHERE partition = $1 AND position > $2 ORDER BY position LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)partition });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterPosition });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        return await ReadEventsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadCategoryPartitionAsync(
        string category, int partition, long afterPosition, int maxCount, CancellationToken cancellationToken = default)
    {
        // The delivery partitions' index: one partition's share of the log, instead of the whole log (there is no
        // category index) once per partition.
        await using var command = _dataSource.CreateCommand(
            $"SELECT {Columns} FROM actors_events WHERE partition = $1 AND category = $2 AND position > $3 ORDER BY position LIMIT $4");
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)partition });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = category });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterPosition });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        return await ReadEventsAsync(command, cancellationToken);
    }

    /// <summary>The event at <paramref name="position"/>, if any.</summary>
    public async Task<RecordedEvent?> ReadAtAsync(long position, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM actors_events WHERE position = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
        var events = await ReadEventsAsync(command, cancellationToken);
        return events.Count == 0 ? null : events[0];
    }

    /// <summary>The last position handed out (0 for an empty log).</summary>
    public async Task<long> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT position FROM actors_log_head WHERE id = 1");
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L);
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_writers).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync();
        }

        while (_pending.Reader.TryRead(out var left))
        {
            left.Fail(new ObjectDisposedException(nameof(PostgresEventLog)));
        }

        _stopping.Dispose();
    }

    /// <summary>Runs <paramref name="command"/> (a query that starts with <see cref="SelectEvents"/>) and decodes its events.</summary>
    internal Task<IReadOnlyList<RecordedEvent>> ReadSelectedAsync(NpgsqlCommand command, CancellationToken cancellationToken = default) =>
        ReadEventsAsync(command, cancellationToken);

    private async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadEventsCoreAsync(command, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            _logger.LogWarning(e, "Reading the PostgreSQL event log failed");
            throw new EventLogUnavailableException($"The event log (PostgreSQL) could not be read ({e.GetType().Name}: {e.Message}); retry later.");
        }
    }

    private async Task<IReadOnlyList<RecordedEvent>> ReadEventsCoreAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new RecordedEvent(
                StreamId: reader.GetString(1),
                Version: reader.GetInt64(2),
                Position: reader.GetInt64(0),
                EventId: reader.GetGuid(3),
                RecordedAt: reader.GetFieldValue<DateTimeOffset>(4),
                CorrelationId: reader.IsDBNull(5) ? null : reader.GetString(5),
                CausationId: reader.IsDBNull(6) ? null : reader.GetString(6),
                Data: _serializer.Deserialize<object>(reader.GetFieldValue<byte[]>(7))
                      ?? throw new InvalidDataException($"Event at position {reader.GetInt64(0)} has an empty payload.")));
        }

        return events;
    }

    private async Task WriteLoopAsync()
    {
        // Each writer keeps one connection of its own instead of taking the next one from the pool per commit. The pool
        // hands out its idle connections in turn, and after a burst of reads it holds dozens: every commit then ran on
        // another server process, each one first planning actors_append's statements again (PostgreSQL caches plans
        // per process) and on cold caches, ~1.7x the database time of a commit on a process that had just run one.
        await using var connection = new WriterConnection(_dataSource);
        var batch = new List<PendingWrite>(_options.MaxAppendsPerCommit);
        var streams = new HashSet<string>(StringComparer.Ordinal);
        // A write naming a stream already in the batch waits for the next one (actors_append takes each stream once);
        // it can only be a stale duplicate or a later write of that stream, which must see the first one's outcome.
        var deferred = new Queue<PendingWrite>();
        while (deferred.Count > 0 || await _pending.Reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
        {
            batch.Clear();
            streams.Clear();
            var appends = 0;
            for (var n = deferred.Count; n > 0; n--)
            {
                var next = deferred.Dequeue();
                if (TryTake(next))
                {
                    batch.Add(next);
                    appends += next.Appends.Length;
                }
                else
                {
                    deferred.Enqueue(next);
                }
            }

            while (appends < _options.MaxAppendsPerCommit && _pending.Reader.TryRead(out var next))
            {
                if (TryTake(next))
                {
                    batch.Add(next);
                    appends += next.Appends.Length;
                }
                else
                {
                    deferred.Enqueue(next);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var started = Stopwatch.GetTimestamp();
                await CommitAsync(connection, batch, appends, _stopping.Token).ConfigureAwait(false);
                RecordCommit(batch, appends, started);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && batch.Count > 1)
            {
                // The version check inside actors_append should make this impossible; the UNIQUE constraint is the
                // fence if it ever is not. Isolate the offender so the other writes of the batch still commit.
                foreach (var single in batch)
                {
                    await CommitAloneAsync(connection, single).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                Fail(batch, e);
            }
        }

        bool TryTake(PendingWrite write)
        {
            foreach (var append in write.Appends)
            {
                if (streams.Contains(append.StreamId))
                {
                    return false;
                }
            }

            foreach (var append in write.Appends)
            {
                streams.Add(append.StreamId);
            }

            return true;
        }
    }

    private static void RecordCommit(List<PendingWrite> batch, int appends, long started)
    {
        ActorsMetrics.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        ActorsMetrics.CommitAppends.Record(appends);
        if (ActorsMetrics.CommitQueueWait.Enabled)
        {
            foreach (var write in batch)
            {
                ActorsMetrics.CommitQueueWait.Record(Stopwatch.GetElapsedTime(write.Queued, started).TotalMilliseconds);
            }
        }
    }

    private async Task CommitAloneAsync(WriterConnection connection, PendingWrite write)
    {
        try
        {
            await CommitAsync(connection, [write], write.Appends.Length, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Fail([write], e);
        }
    }

    private void Fail(IReadOnlyList<PendingWrite> batch, Exception e)
    {
        if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && batch.Count == 1)
        {
            var append = batch[0].Appends[0];
            batch[0].Fail(new WrongExpectedVersionException(append.StreamId, append.ExpectedVersion, -1));
            return;
        }

        _logger.LogWarning(e, "Appending {Count} event batch(es) to the PostgreSQL event log failed", batch.Count);
        // The cause stays in this silo's log: the exception crosses to clients, and database exceptions do not serialize.
        var error = new EventLogUnavailableException(
            $"The event log (PostgreSQL) did not confirm the append ({e.GetType().Name}: {e.Message}). Nothing was acknowledged; retry later.");
        foreach (var write in batch)
        {
            write.Fail(error);
        }
    }

    private static async Task CommitAsync(WriterConnection connection, IReadOnlyList<PendingWrite> batch, int appendCount, CancellationToken cancellationToken)
    {
        var eventCount = 0;
        foreach (var write in batch)
        {
            foreach (var append in write.Appends)
            {
                eventCount += append.Events.Count;
            }
        }

        var streams = new string[appendCount];
        var expected = new long[appendCount];
        var counts = new int[appendCount];
        var categories = new string[appendCount];
        var partitions = new short[appendCount];
        var groups = new int[appendCount];
        var eventIds = new Guid[eventCount];
        var types = new string[eventCount];
        var payloads = new byte[eventCount][];
        var correlations = new string?[eventCount];
        var causations = new string?[eventCount];
        var i = 0;
        var eventIndex = 0;
        for (var w = 0; w < batch.Count; w++)
        {
            foreach (var append in batch[w].Appends)
            {
                streams[i] = append.StreamId;
                expected[i] = append.ExpectedVersion;
                counts[i] = append.Events.Count;
                categories[i] = EventStreams.CategoryOf(append.StreamId);
                partitions[i] = (short)EventStreams.PartitionOf(append.StreamId);
                groups[i] = w + 1;
                for (var k = 0; k < append.Events.Count; k++, eventIndex++)
                {
                    eventIds[eventIndex] = append.EventIds[k];
                    types[eventIndex] = EventTypes.NameOf(append.Events[k].GetType());
                    payloads[eventIndex] = append.Payloads[k];
                    correlations[eventIndex] = append.Metadata.CorrelationId;
                    causations[eventIndex] = append.Metadata.CausationId;
                }

                i++;
            }
        }

        await using var command = await connection.CreateCommandAsync(
            "SELECT append_index, current_version, first_position, recorded_at FROM actors_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = streams, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = expected });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = counts });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = categories, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = partitions });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = eventIds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = correlations, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = causations, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = groups });

        // Read every row before completing anything: the statement (and its commit) has succeeded only once the
        // reader is fully consumed without error.
        var results = new (long Version, long? FirstPosition, DateTimeOffset RecordedAt)[appendCount];
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var index = reader.GetInt32(0) - 1;
                results[index] = (reader.GetInt64(1),
                    reader.IsDBNull(2) ? null : reader.GetInt64(2),
                    reader.IsDBNull(3) ? default : reader.GetFieldValue<DateTimeOffset>(3));
            }
        }
        catch (Exception e) when (e is not PostgresException)
        {
            // The connection may be broken (or mid-protocol after a cancellation): the next commit opens a new one.
            await connection.DropAsync().ConfigureAwait(false);
            throw;
        }

        i = 0;
        foreach (var write in batch)
        {
            var recorded = new IReadOnlyList<RecordedEvent>[write.Appends.Length];
            WrongExpectedVersionException? conflict = null;
            for (var k = 0; k < write.Appends.Length; k++)
            {
                var append = write.Appends[k];
                var (version, firstPosition, recordedAt) = results[i++];
                if (firstPosition is not { } first)
                {
                    // In an atomic write, a stream found at its expected version was refused for another's sake: the
                    // exception names a stream that moved.
                    if (conflict is null || (version != append.ExpectedVersion && conflict.ActualVersion == conflict.ExpectedVersion))
                    {
                        conflict = new WrongExpectedVersionException(append.StreamId, append.ExpectedVersion, version);
                    }

                    continue;
                }

                var events = new RecordedEvent[append.Events.Count];
                for (var e = 0; e < events.Length; e++)
                {
                    events[e] = new RecordedEvent(append.StreamId, append.ExpectedVersion + e + 1, first + e, append.EventIds[e], recordedAt,
                        append.Metadata.CorrelationId, append.Metadata.CausationId, append.Events[e]);
                }

                recorded[k] = events;
            }

            if (conflict is null)
            {
                write.Succeed(recorded);
            }
            else
            {
                write.Fail(conflict);
            }
        }
    }

    /// <summary>A writer loop's own connection: opened when first needed, replaced after a failure that may have broken it.</summary>
    private sealed class WriterConnection(NpgsqlDataSource dataSource) : IAsyncDisposable
    {
        private NpgsqlConnection? _connection;

        public async Task<NpgsqlCommand> CreateCommandAsync(string sql, CancellationToken cancellationToken)
        {
            if (_connection is { State: not System.Data.ConnectionState.Open })
            {
                await DropAsync().ConfigureAwait(false);
            }

            _connection ??= await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return new NpgsqlCommand(sql, _connection);
        }

        public async Task DropAsync()
        {
            if (_connection is { } connection)
            {
                _connection = null;
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        public async ValueTask DisposeAsync() => await DropAsync().ConfigureAwait(false);
    }

    /// <summary>One append, or several that commit together or not at all, with whoever awaits the outcome.</summary>
    private sealed class PendingWrite
    {
        public PendingWrite(PendingAppend[] appends, bool atomic)
        {
            Appends = appends;
            if (atomic)
            {
                Atomic = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            else
            {
                Single = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public PendingAppend[] Appends { get; }

        public TaskCompletionSource<IReadOnlyList<RecordedEvent>>? Single { get; }

        public TaskCompletionSource<IReadOnlyList<IReadOnlyList<RecordedEvent>>>? Atomic { get; }

        public long Queued { get; } = Stopwatch.GetTimestamp();

        public void Succeed(IReadOnlyList<RecordedEvent>[] recorded)
        {
            Single?.TrySetResult(recorded[0]);
            Atomic?.TrySetResult(recorded);
        }

        public void Fail(Exception error)
        {
            Single?.TrySetException(error);
            Atomic?.TrySetException(error);
        }
    }

    private sealed class PendingAppend(string streamId, long expectedVersion, IReadOnlyList<object> events, EventMetadata metadata, byte[][] payloads)
    {
        public string StreamId { get; } = streamId;

        public long ExpectedVersion { get; } = expectedVersion;

        public IReadOnlyList<object> Events { get; } = events;

        public EventMetadata Metadata { get; } = metadata;

        public byte[][] Payloads { get; } = payloads;

        public Guid[] EventIds { get; } = events.Select(_ => Guid.CreateVersion7()).ToArray();
    }
}
