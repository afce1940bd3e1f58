using Npgsql;

namespace Actors.Postgres.Delivery;

/// <summary>An event a consumer kept failing on, set aside so the rest of its stream could go on.</summary>
public sealed record ParkedEvent(
    long Id, string Consumer, long Position, string StreamId, long Version, string TypeName, string Error,
    DateTimeOffset ParkedAt, DateTimeOffset? ReplayRequestedAt, DateTimeOffset? ReplayedAt);

/// <summary>The dead letters of log-fed stream delivery (table <c>actors_parked_events</c>): park, list, replay.</summary>
public sealed class ParkedEvents(NpgsqlDataSource dataSource) : Actors.EventSourcing.IParkedEventStore
{
    /// <summary>Parks (or parks again, after a failed replay) the event at <paramref name="position"/> for <paramref name="consumer"/>.</summary>
    public async Task ParkAsync(string consumer, long position, string streamId, long version, string typeName, string error, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO actors_parked_events (consumer, position, stream_id, version, type_name, error)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (consumer, position) DO UPDATE
                SET error = EXCLUDED.error, parked_at = now(), replay_requested_at = NULL, replayed_at = NULL
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = typeName });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Parked events, oldest first; by default only those still waiting (not replayed).</summary>
    public async Task<IReadOnlyList<ParkedEvent>> ListAsync(bool includeReplayed = false, int limit = 1000, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT id, consumer, position, stream_id, version, type_name, error, parked_at, replay_requested_at, replayed_at
            FROM actors_parked_events {(includeReplayed ? "" : "WHERE replayed_at IS NULL")}
            ORDER BY id LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var parked = new List<ParkedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            parked.Add(new ParkedEvent(
                reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5),
                reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return parked;
    }

    /// <summary>
    /// Asks for parked events to be delivered again (all waiting ones, or one by id). The queue of the event's
    /// partition re-delivers it on the same Orleans stream; every consumer of that stream sees it again (they are
    /// idempotent by stream and version). Returns how many were requested.
    /// </summary>
    public async Task<int> RequestReplayAsync(long? id = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE actors_parked_events SET replay_requested_at = now() WHERE replayed_at IS NULL AND ($1::bigint IS NULL OR id = $1)");
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = id });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How many parked events wait (not replayed), per consumer.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountWaitingAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT consumer, count(*)::int FROM actors_parked_events WHERE replayed_at IS NULL GROUP BY consumer");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        return counts;
    }

    /// <summary>Replays requested for one partition, not yet delivered.</summary>
    internal async Task<IReadOnlyList<(long Id, long Position)>> RequestedAsync(int partition, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT p.id, p.position FROM actors_parked_events p JOIN actors_events e ON e.position = p.position
            WHERE e.partition = $1 AND p.replay_requested_at IS NOT NULL AND p.replayed_at IS NULL
            ORDER BY p.id LIMIT 100
            """);
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)partition });
        var requested = new List<(long, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            requested.Add((reader.GetInt64(0), reader.GetInt64(1)));
        }

        return requested;
    }

    internal async Task MarkReplayedAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE actors_parked_events SET replayed_at = now() WHERE id = ANY($1) AND replay_requested_at IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
