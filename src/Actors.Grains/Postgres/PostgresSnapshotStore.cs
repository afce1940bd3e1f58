using Actors.EventSourcing;
using Npgsql;

namespace Actors.Postgres;

/// <summary>Snapshots in table <c>actors_snapshots</c> (deploy/sql/01-event-log.sql): one row per stream, the latest.</summary>
public sealed class PostgresSnapshotStore(NpgsqlDataSource dataSource) : ISnapshotStore
{
    public async Task<StoredSnapshot?> ReadAsync(string streamId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT version, type_name, payload FROM actors_snapshots WHERE stream_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredSnapshot(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2))
            : null;
    }

    public async Task WriteAsync(string streamId, StoredSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO actors_snapshots (stream_id, version, type_name, payload) VALUES ($1, $2, $3, $4)
            ON CONFLICT (stream_id) DO UPDATE
                SET version = EXCLUDED.version, type_name = EXCLUDED.type_name, payload = EXCLUDED.payload, taken_at = now()
                WHERE actors_snapshots.version < EXCLUDED.version OR actors_snapshots.type_name <> EXCLUDED.type_name
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshot.Version });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = snapshot.Shape });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = snapshot.Payload });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
