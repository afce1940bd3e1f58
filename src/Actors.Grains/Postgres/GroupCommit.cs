using System.Diagnostics;
using System.Threading.Channels;
using Actors.EventSourcing;
using Actors.Observability;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Actors.Postgres;

/// <summary>
/// The group commit of <see cref="PostgresEventLog"/>: appends from every grain of the process are queued and committed
/// together by a few writer loops (one transaction and one WAL flush for many appends, see <see cref="AppendCommit"/>).
/// </summary>
internal sealed class GroupCommit : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresEventLogOptions _options;
    private readonly ILogger<PostgresEventLog> _logger;
    private readonly Channel<PendingWrite> _pending = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = false });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _writers;

    public GroupCommit(NpgsqlDataSource dataSource, PostgresEventLogOptions options, ILogger<PostgresEventLog> logger)
    {
        _dataSource = dataSource;
        _options = options;
        _logger = logger;
        _writers = Enumerable.Range(0, Math.Max(1, options.ConcurrentCommits)).Select(_ => Task.Run(WriteLoopAsync)).ToArray();
    }

    /// <summary>Queues <paramref name="write"/> for the next commit; its outcome completes its task.</summary>
    public void Enqueue(PendingWrite write)
    {
        if (!_pending.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(PostgresEventLog));
        }
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
                await AppendCommit.CommitAsync(connection, batch, appends, _stopping.Token).ConfigureAwait(false);
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
            await AppendCommit.CommitAsync(connection, [write], write.Appends.Length, _stopping.Token).ConfigureAwait(false);
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

}
