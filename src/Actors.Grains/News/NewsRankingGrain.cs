using Actors.EventSourcing;
using Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Actors.News;

/// <summary>
/// The <c>top</c> and <c>latest</c> lists, in memory (key 0: one per site): the <see cref="NewsLists"/> projection,
/// fed by <see cref="NewsRankingFeedGrain"/> with every news event and rebuilt from the event log on activation. The top
/// list is exact to the second, and a front-page read touches no news grain: how it stays cheap at any size is
/// <see cref="NewsLists"/>' story.
/// </summary>
[KeepAlive]
public sealed class NewsRankingGrain(
    IEventLog log,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    IOptions<NewsOptions> options,
    IServiceProvider services,
    ILogger<NewsRankingGrain> logger) : Grain, INewsRankingGrain
{
    private const int ReadPage = 4096;

    // PostgreSQL mode only: in memory mode the log and the lists die together, so there is nothing to restart from.
    private readonly NewsListsCheckpoint? _checkpoint = options.Value.ListsCheckpointSeconds > 0 && services.GetService<ISnapshotStore>() is { } store
        ? new NewsListsCheckpoint(store, log, options.Value, logger)
        : null;

    private NewsLists _lists = new(options.Value);

    // Every news event at or below this log position is applied (the feed delivers later ones in any partition order).
    private long _caughtUpTo;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        long restored = 0;
        if (_checkpoint is not null)
        {
            (_lists, restored) = await _checkpoint.RestoreAsync(cancellationToken);
        }

        // Events appended before this read are in the log; events appended after it reach us through the feed (which
        // only calls in once activation is done); the overlap is skipped by version.
        _caughtUpTo = await CatchUpAsync(restored, cancellationToken);
        logger.LogInformation(
            "News lists ready in {Elapsed:F1} s: {News} news, from a checkpoint at position {Checkpoint} and the log up to {Position}",
            TimeProvider.System.GetElapsedTime(started).TotalSeconds, _lists.Count, restored, _caughtUpTo);

        if (_checkpoint is not null)
        {
            // Interleaved, unlike every other turn of this grain: the checkpoint's reads and writes are database round
            // trips (after a burst, seconds of them), and front-page reads must not queue behind them. It is safe because
            // what it changes it changes between awaits, like any turn: events applied by version (a delivery applying
            // the same events meanwhile is skipped, and the other way round), chunks taken as changed before they are
            // serialized (a change after that marks the chunk again).
            var period = TimeSpan.FromSeconds(options.Value.ListsCheckpointSeconds);
            this.RegisterGrainTimer(CheckpointAsync, new GrainTimerCreationOptions(period, period) { Interleave = true });
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public async Task Apply(RecordedEvent recorded)
    {
        if (recorded.Data is not INewsEvent e)
        {
            return;
        }

        var known = _lists.VersionOf(e.NewsId);
        if (recorded.Version <= known)
        {
            return; // Already applied (at-least-once delivery, or seen while rebuilding).
        }

        if (recorded.Version > known + 1)
        {
            // A gap: read what we missed from the log, in order, instead of applying out of order.
            foreach (var missed in await log.ReadStreamAsync(recorded.StreamId, known))
            {
                ApplyRecorded(missed);
            }

            return;
        }

        ApplyRecorded(recorded);
    }

    public async Task ApplyMany(IReadOnlyList<RecordedEvent> recorded)
    {
        foreach (var e in recorded)
        {
            await Apply(e);
        }
    }

    public Task<NewsPage> GetTop(int start, int count) =>
        Task.FromResult(_lists.Top(clock.GetUtcNow().ToUnixTimeSeconds(), start, count));

    public async Task<NewsPage> ApplyAndGetTop(IReadOnlyList<RecordedEvent> recent, int start, int count)
    {
        foreach (var recorded in recent)
        {
            await Apply(recorded);
        }

        return await GetTop(start, count);
    }

    public Task<NewsPage> GetLatest(int start, int count) => Task.FromResult(_lists.Latest(start, count));

    public Task<IReadOnlyList<NewsView>> GetMany(IReadOnlyList<long> ids)
    {
        var views = new List<NewsView>(ids.Count);
        foreach (var id in ids)
        {
            if (_lists.Get(id) is { } view)
            {
                views.Add(view);
            }
        }

        return Task.FromResult<IReadOnlyList<NewsView>>(views);
    }

    public Task<bool> HasApplied(IReadOnlyList<NewsWritten> written)
    {
        foreach (var w in written)
        {
            if (_lists.VersionOf(w.NewsId) < w.Version)
            {
                return Task.FromResult(false);
            }
        }

        return Task.FromResult(true);
    }

    private void ApplyRecorded(RecordedEvent recorded)
    {
        if (recorded.Data is INewsEvent e)
        {
            _lists.Apply(e, recorded.Version);
        }
    }

    private async Task<long> CatchUpAsync(long position, CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await log.ReadAllAsync(position, ReadPage, NewsStreams.Category, cancellationToken);
            if (page.Count == 0)
            {
                return position;
            }

            foreach (var recorded in page)
            {
                ApplyRecorded(recorded);
            }

            position = page[^1].Position;
        }
    }

    /// <summary>
    /// Catches up with the log to a position (so no event at or below it can be missing from the lists), then stores
    /// what changed since the last checkpoint.
    /// </summary>
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        var position = await CatchUpAsync(_caughtUpTo, cancellationToken);
        if (position == _caughtUpTo && !_lists.HasChangedChunks)
        {
            return; // Nothing new since the last checkpoint (chunks a failed one could not store are marked changed).
        }

        _caughtUpTo = position;
        await _checkpoint!.StoreAsync(_lists, position, cancellationToken);
    }
}
