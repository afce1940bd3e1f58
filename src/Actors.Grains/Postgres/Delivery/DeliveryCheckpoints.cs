using Npgsql;

namespace Actors.Postgres.Delivery;

/// <summary>How far each log reader has durably delivered (table <c>actors_checkpoints</c>).</summary>
public sealed class DeliveryCheckpoints(NpgsqlDataSource dataSource)
{
    /// <summary>The checkpoint name of one delivery queue (a partition of the log) of a stream provider.</summary>
    public static string QueueName(string provider, int partition) => $"{provider}/partition-{partition}";

    public async Task<long> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT position FROM actors_checkpoints WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await command.ExecuteScalarAsync(cancellationToken) is long position ? position : 0;
    }

    /// <summary>Moves a checkpoint forward (never back: two readers of one queue during a hand-over may both report).</summary>
    public async Task AdvanceAsync(string name, long position, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO actors_checkpoints (name, position) VALUES ($1, $2)
            ON CONFLICT (name) DO UPDATE SET position = GREATEST(actors_checkpoints.position, EXCLUDED.position), updated_at = now()
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Asks the reader of <paramref name="name"/> to go back to <paramref name="position"/> (0 = the whole log again:
    /// a rebuild). The running reader picks it up within a second or so and then moves forward again from there.
    /// </summary>
    public async Task RequestRewindAsync(string name, long position, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO actors_checkpoints (name, position, rewind_to) VALUES ($1, 0, $2)
            ON CONFLICT (name) DO UPDATE SET rewind_to = EXCLUDED.rewind_to, updated_at = now()
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Takes a pending rewind request of <paramref name="name"/>: sets the checkpoint to it and returns it.</summary>
    internal async Task<long?> TakeRewindAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE actors_checkpoints SET position = rewind_to, rewind_to = NULL, updated_at = now()
            WHERE name = $1 AND rewind_to IS NOT NULL
            RETURNING position
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await command.ExecuteScalarAsync(cancellationToken) is long position ? position : null;
    }

    /// <summary>Every checkpoint, for progress and lag reports.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT name, position FROM actors_checkpoints ORDER BY name");
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = reader.GetInt64(1);
        }

        return result;
    }
}
