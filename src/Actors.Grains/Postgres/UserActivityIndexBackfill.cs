using System.Diagnostics;
using Actors.News;
using Actors.Postgres.Delivery;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Actors.Postgres;

/// <summary>
/// Indexes the news events the live consumer never saw: those of a log written before the user activity index existed
/// (below checkpoint <c>user-index/live-from</c>, the head when the schema first created the index), and those a bulk
/// writer put in the log without delivery (the seeding). Runs in the background at silo start-up when checkpoint
/// <c>user-index</c> is behind live-from, and writes its rows in batches; until it is done, user lists rebuild from
/// the whole news category as before the index (slow, but correct).
/// <para>
/// The race with the live consumer: both write rows with ON CONFLICT DO NOTHING, so a position written by both (the
/// delivery queues may still re-deliver events below live-from) is one row, in either order. The live consumer owns
/// every position above live-from; the backfill owns every position at or below it and moves <c>user-index</c> only
/// past positions whose rows it has itself committed (a page at a time, in position order), never on the strength of
/// the live consumer's rows. Live-from was the head of the log when it was recorded, so every position at or below it
/// was already committed (positions follow commit order, see actors_append) and a page read in position order cannot
/// miss one that commits later. So once <c>user-index</c> reaches live-from, every event below it has its row and
/// every event above it gets its row before it is handed to a user's lists. Several silos may backfill at once: the
/// rows are idempotent and the checkpoint only moves forward.
/// </para>
/// <para>
/// A rolling upgrade from a version without the index leaves the old silos delivering (without indexing) after
/// live-from was recorded: once the last old silo has stopped, raise live-from to the head
/// (<c>UPDATE actors_checkpoints SET position = (SELECT position FROM actors_log_head) WHERE name = 'user-index/live-from'</c>)
/// and restart a silo; the backfill then covers the gap.
/// </para>
/// </summary>
public sealed class UserActivityIndexBackfill(
    NpgsqlDataSource dataSource,
    PostgresEventLog log,
    IUserActivityIndex index,
    DeliveryCheckpoints checkpoints,
    ILogger<UserActivityIndexBackfill> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int PageSize = 5_000;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();
    private Task _run = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(UserActivityIndexBackfill), ServiceLifecycleStage.Active,
        _ =>
        {
            _run = Task.Run(RunInBackgroundAsync);
            return Task.CompletedTask;
        },
        async _ =>
        {
            await _stopping.CancelAsync();
            await _run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        });

    /// <summary>
    /// Indexes what lies between checkpoint <c>user-index</c> and live-from, then moves the checkpoint to live-from.
    /// Reads <paramref name="pageEvents"/> news events per page. Returns how many rows it wrote (0 when the index was
    /// complete already).
    /// </summary>
    public async Task<long> RunAsync(int pageEvents = PageSize, CancellationToken cancellationToken = default)
    {
        await RecordLiveFromIfMissingAsync(cancellationToken);
        var mark = await checkpoints.ReadAsync(PostgresUserActivityIndex.CompleteName, cancellationToken);
        var liveFrom = await checkpoints.ReadAsync(PostgresUserActivityIndex.LiveFromName, cancellationToken);
        if (mark >= liveFrom)
        {
            return 0;
        }

        logger.LogInformation("Backfilling the user activity index: news events after position {From} up to {To}", mark, liveFrom);
        var started = Stopwatch.GetTimestamp();
        var lastReport = started;
        long rows = 0;
        while (mark < liveFrom)
        {
            // Reads and decodes every news event of the range (the payload holds the user id); the live consumer goes
            // on meanwhile, and user lists fall back to the full scan until this is done.
            var page = await log.ReadAllAsync(mark, pageEvents, NewsStreams.Category, cancellationToken);
            var inRange = page.Where(e => e.Position <= liveFrom).ToList();
            var pageRows = UserActivity.RowsOf(inRange);
            await index.AddAsync(pageRows, cancellationToken);
            rows += pageRows.Count;
            // A short page, or one that reached live-from, means no news event is left at or below live-from.
            mark = page.Count < pageEvents || inRange.Count < page.Count ? liveFrom : page[^1].Position;
            await checkpoints.AdvanceAsync(PostgresUserActivityIndex.CompleteName, mark, cancellationToken);
            if (Stopwatch.GetElapsedTime(lastReport) >= ProgressInterval)
            {
                lastReport = Stopwatch.GetTimestamp();
                logger.LogInformation("User activity index backfill at position {Position} of {To} ({Rows} rows so far)", mark, liveFrom, rows);
            }
        }

        logger.LogInformation("User activity index backfill done: {Rows} rows up to position {To} in {Elapsed}", rows, liveFrom, Stopwatch.GetElapsedTime(started));
        return rows;
    }

    /// <summary>
    /// For a writer that put events in the log without delivering them (the seeding, which then moves the delivery
    /// checkpoints past them): moves live-from to the head, so the index counts as incomplete until those events are
    /// backfilled, then backfills them.
    /// </summary>
    public async Task<long> IndexBulkWrittenAsync(CancellationToken cancellationToken = default)
    {
        var head = await checkpoints.ReadHeadAsync(cancellationToken);
        await checkpoints.AdvanceAsync(PostgresUserActivityIndex.LiveFromName, head, cancellationToken);
        return await RunAsync(cancellationToken: cancellationToken);
    }

    private async Task RecordLiveFromIfMissingAsync(CancellationToken cancellationToken)
    {
        // The schema script records it; an operator may have deleted it to have the index rebuilt up to the current head.
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO actors_checkpoints (name, position)
            SELECT '{PostgresUserActivityIndex.LiveFromName}', h.position FROM actors_log_head h WHERE h.id = 1
            ON CONFLICT (name) DO NOTHING
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task RunInBackgroundAsync()
    {
        for (var attempt = 1; !_stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                await RunAsync(cancellationToken: _stopping.Token);
                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be down for a while: what was committed stays (the checkpoint says how far); go on later.
                logger.LogWarning(e, "Backfilling the user activity index failed (attempt {Attempt}); trying again shortly", attempt);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 10)), _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
