using Actors.Accounts;
using Actors.EventSourcing;
using Actors.Postgres.Delivery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Actors.Postgres;

/// <summary>Settings of <see cref="TransferRecovery"/>.</summary>
public sealed class TransferRecoveryOptions
{
    /// <summary>How often each silo reads the transfer events appended since its last look.</summary>
    public TimeSpan ScanPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A transfer still pending this long after its request is woken up. Longer than a normal transfer takes, so
    /// running transfers are left alone (waking one is harmless anyway: it only makes sure it is moving).
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Finds pending transfers in the event log and wakes them, so a transfer that a crash (kill -9 of its silo, a whole
/// cluster restart) interrupted finishes without a client retrying, and without a reminder write per transfer: the
/// log already says which transfers are pending (a <c>transfer-requested</c> without a <c>transfer-completed</c>
/// or <c>transfer-failed</c>). Every silo runs one (any silo may die); waking is idempotent (the transfer grain's
/// activation resumes a pending transfer and keeps its retry timer until it is terminal).
/// A low-water mark in <c>actors_checkpoints</c> (every transfer requested at or before it is terminal) bounds
/// what a starting silo reads; each silo then follows the log by position, which never skips an event.
/// </summary>
public sealed class TransferRecovery(
    NpgsqlDataSource dataSource,
    DeliveryCheckpoints checkpoints,
    IGrainFactory grains,
    IOptions<TransferRecoveryOptions> options,
    ILogger<TransferRecovery> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The checkpoint that holds the low-water mark.</summary>
    public const string CheckpointName = "transfers/recovery";

    private const int PageSize = 5_000;
    private static readonly string Requested = EventTypes.NameOf(typeof(TransferRequested));
    private static readonly string Completed = EventTypes.NameOf(typeof(TransferCompleted));
    private static readonly string Failed = EventTypes.NameOf(typeof(TransferFailed));

    private readonly Dictionary<string, (long Position, DateTimeOffset RequestedAt)> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private long _scanned = -1;
    private long _mark;

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(TransferRecovery), ServiceLifecycleStage.Active,
        _ =>
        {
            _loop = Task.Run(RunAsync);
            return Task.CompletedTask;
        },
        async _ =>
        {
            await _stopping.CancelAsync();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        });

    /// <summary>One pass: reads what was appended since the last pass, then wakes the transfers pending for too long. Returns how many it woke.</summary>
    public async Task<int> ScanAsync(CancellationToken cancellationToken = default)
    {
        if (_scanned < 0)
        {
            _mark = await checkpoints.ReadAsync(CheckpointName, cancellationToken);
            _scanned = _mark;
        }

        while (await ReadPageAsync(cancellationToken) == PageSize)
        {
        }

        var now = DateTimeOffset.UtcNow;
        var due = _pending.Where(p => now - p.Value.RequestedAt >= options.Value.Grace).Select(p => p.Key).ToList();
        if (due.Count > 0)
        {
            logger.LogInformation("Waking {Count} transfer(s) still pending after {Grace}", due.Count, options.Value.Grace);
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (stream, _) =>
            {
                try
                {
                    // Activation resumes a pending transfer; a live activation makes sure its retry timer runs.
                    await grains.GetGrain<ITransferGrain>(EventStreams.IdOf(stream)).GetView();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Could not wake transfer {Stream}; the next pass tries again", stream);
                }
            });
        }

        var mark = _pending.Count == 0 ? _scanned : _pending.Values.Min(p => p.Position) - 1;
        if (mark > _mark)
        {
            await checkpoints.AdvanceAsync(CheckpointName, mark, cancellationToken);
            _mark = mark;
        }

        return due.Count;
    }

    private async Task RunAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await ScanAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be down for a while: keep the state read so far and try again.
                logger.LogWarning(e, "Looking for pending transfers failed; trying again shortly");
            }

            try
            {
                await Task.Delay(options.Value.ScanPeriod, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<int> ReadPageAsync(CancellationToken cancellationToken)
    {
        // The literal category matches the partial index actors_events_transfers (deploy/sql/01-event-log.sql).
        await using var command = dataSource.CreateCommand("""
            SELECT position, stream_id, type_name, recorded_at FROM actors_events
            WHERE category = 'transfers' AND position > $1 ORDER BY position LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _scanned });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PageSize });
        var rows = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
            var position = reader.GetInt64(0);
            var stream = reader.GetString(1);
            var type = reader.GetString(2);
            if (type == Requested)
            {
                _pending[stream] = (position, reader.GetFieldValue<DateTimeOffset>(3));
            }
            else if (type == Completed || type == Failed)
            {
                _pending.Remove(stream);
            }

            _scanned = position;
        }

        return rows;
    }
}
