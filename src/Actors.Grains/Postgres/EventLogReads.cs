using Actors.EventSourcing;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Serialization;

namespace Actors.Postgres;

/// <summary>
/// The reads of <see cref="PostgresEventLog"/>: a stream, the whole log, a delivery partition, one position, the head;
/// each decodes the Orleans binary payloads back into event records.
/// </summary>
internal sealed class EventLogReads(NpgsqlDataSource dataSource, Serializer serializer, ILogger<PostgresEventLog> logger)
{
    private const string Columns = "position, stream_id, version, event_id, recorded_at, correlation_id, causation_id, payload";

    /// <summary>
    /// The start of a query for whole events that <see cref="ReadSelectedAsync"/> decodes, for other readers of the log
    /// (e.g. the user activity index): append a WHERE clause on <c>actors_events</c> and an ORDER BY.
    /// </summary>
    public const string SelectEvents = $"SELECT {Columns} FROM actors_events";

    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM actors_events WHERE stream_id = $1 AND version > $2 ORDER BY version");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterVersion });
        return await ReadEventsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(
        long afterPosition, int maxCount, string? category = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(category is null
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
        await using var command = dataSource.CreateCommand(
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
        await using var command = dataSource.CreateCommand(
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
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM actors_events WHERE position = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
        var events = await ReadEventsAsync(command, cancellationToken);
        return events.Count == 0 ? null : events[0];
    }

    /// <summary>The last position handed out (0 for an empty log).</summary>
    public async Task<long> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT position FROM actors_log_head WHERE id = 1");
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L);
    }

    /// <summary>Runs <paramref name="command"/> (a query that starts with <see cref="SelectEvents"/>) and decodes its events.</summary>
    public Task<IReadOnlyList<RecordedEvent>> ReadSelectedAsync(NpgsqlCommand command, CancellationToken cancellationToken = default) =>
        ReadEventsAsync(command, cancellationToken);

    private async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadEventsCoreAsync(command, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            logger.LogWarning(e, "Reading the PostgreSQL event log failed");
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
                Data: serializer.Deserialize<object>(reader.GetFieldValue<byte[]>(7))
                      ?? throw new InvalidDataException($"Event at position {reader.GetInt64(0)} has an empty payload.")));
        }

        return events;
    }

}
