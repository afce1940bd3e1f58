using Actors.EventSourcing;
using Actors.News;
using Npgsql;

namespace Actors.Postgres;

/// <summary>
/// The user activity index in PostgreSQL: table <c>actors_user_events</c> (user id, log position), and two checkpoints
/// that say how far it is known complete (deploy/sql/01-event-log.sql). Rows are written by the news activity consumer
/// after the append has committed, never inside the append's critical section.
/// </summary>
public sealed class PostgresUserActivityIndex(NpgsqlDataSource dataSource, PostgresEventLog log) : IUserActivityIndex
{
    /// <summary>Checkpoint: every news event at or below this position that concerns a user has its row.</summary>
    public const string CompleteName = "user-index";

    /// <summary>Checkpoint: events after this position are indexed by the live consumer as they are delivered.</summary>
    public const string LiveFromName = "user-index/live-from";

    public async Task AddAsync(IReadOnlyList<UserActivityRow> rows, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var users = new long[rows.Count];
        var positions = new long[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            (users[i], positions[i]) = (rows[i].UserId, rows[i].Position);
        }

        // One round trip per delivered batch, its two statements in one implicit transaction. Delivery is at least once
        // (and a backfill may write the same rows), so a row already there is no error. The commit does not wait for
        // its own WAL flush (synchronous_commit off for this transaction only): under load that is a flush per
        // delivered batch, on top of the appends' own. It loses nothing: the rows are visible at once, and what later
        // vouches for them commits synchronously (the delivery checkpoint that acknowledges the batch, the backfill's
        // user-index checkpoint), which flushes the WAL up to and including them. A crash before that also loses the
        // checkpoint's move, so the batch is delivered (or backfilled), and indexed, again.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('synchronous_commit', 'off', true)"));
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO actors_user_events (user_id, position)
            SELECT * FROM unnest($1::bigint[], $2::bigint[])
            ON CONFLICT DO NOTHING
            """);
        insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = users });
        insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = positions });
        batch.BatchCommands.Add(insert);
        await RunAsync(() => batch.ExecuteNonQueryAsync(cancellationToken), "written");
    }

    public async Task<bool> IsCompleteAsync(CancellationToken cancellationToken = default)
    {
        // No live-from row means nobody knows since when the live consumer indexes: not complete (the backfill records one).
        await using var command = dataSource.CreateCommand($"""
            SELECT coalesce((SELECT position FROM actors_checkpoints WHERE name = '{CompleteName}'), 0)
                   >= (SELECT position FROM actors_checkpoints WHERE name = '{LiveFromName}')
            """);
        return await RunAsync(() => command.ExecuteScalarAsync(cancellationToken), "read") is true;
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadAsync(long userId, CancellationToken cancellationToken = default)
    {
        // The user's positions from the index's primary key, then each event by the log's primary key: a cost in the
        // user's events, whatever the size of the log.
        await using var command = dataSource.CreateCommand($"""
            {PostgresEventLog.SelectEvents}
            WHERE position IN (SELECT u.position FROM actors_user_events u WHERE u.user_id = $1)
            ORDER BY position
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = userId });
        return await log.ReadSelectedAsync(command, cancellationToken);
    }

    private static async Task<T> RunAsync<T>(Func<Task<T>> statement, string what)
    {
        try
        {
            return await statement();
        }
        catch (NpgsqlException e)
        {
            // Database exceptions do not serialize across grain calls; the caller (a delivery) retries.
            throw new EventLogUnavailableException($"The user activity index (PostgreSQL) could not be {what} ({e.GetType().Name}: {e.Message}); retry later.");
        }
    }
}
