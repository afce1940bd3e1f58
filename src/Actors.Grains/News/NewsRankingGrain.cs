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
    private const string HeadId = "$lists-news";
    private const int ReadPage = 4096;

    // PostgreSQL mode only: in memory mode the log and the lists die together, so there is nothing to restart from.
    private readonly ISnapshotStore? _checkpoints = options.Value.ListsCheckpointSeconds > 0 ? services.GetService<ISnapshotStore>() : null;
    private NewsLists _lists = new(options.Value);

    // Every news event at or below this log position is applied (the feed delivers later ones in any partition order).
    private long _caughtUpTo;
    private readonly SortedSet<long> _storedChunks = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var restored = _checkpoints is null ? 0 : await RestoreAsync(_checkpoints, cancellationToken);

        // Events appended before this read are in the log; events appended after it reach us through the feed (which
        // only calls in once activation is done); the overlap is skipped by version.
        _caughtUpTo = await CatchUpAsync(restored, cancellationToken);
        logger.LogInformation(
            "News lists ready in {Elapsed:F1} s: {News} news, from a checkpoint at position {Checkpoint} and the log up to {Position}",
            TimeProvider.System.GetElapsedTime(started).TotalSeconds, _lists.Count, restored, _caughtUpTo);

        if (_checkpoints is not null)
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
    /// Reads the last checkpoint into the lists and answers its log position, or 0 (and empty lists) when there is none
    /// to trust: a checkpoint is a cache, never the truth, so any doubt means folding the whole news history.
    /// </summary>
    private async Task<long> RestoreAsync(ISnapshotStore store, CancellationToken cancellationToken)
    {
        var head = await store.ReadAsync(HeadId, cancellationToken);
        if (head is null || head.Shape != NewsListsSnapshot.Shape || head.Version <= 0 || head.Payload.Length % sizeof(long) != 0)
        {
            return 0;
        }

        // The event at the checkpoint's position must be in the log, or the checkpoint belongs to another history.
        var backing = await log.ReadAllAsync(head.Version - 1, 1, NewsStreams.Category, cancellationToken);
        if (backing.Count == 0 || backing[0].Position != head.Version)
        {
            logger.LogWarning("The news lists' checkpoint at position {Position} is not backed by the log; reading the whole log", head.Version);
            return 0;
        }

        var chunks = new long[head.Payload.Length / sizeof(long)];
        Buffer.BlockCopy(head.Payload, 0, chunks, 0, head.Payload.Length);
        try
        {
            // A few reads in flight: each chunk is one row of up to a few hundred KB.
            var entries = new IReadOnlyList<NewsListEntry>[chunks.Length];
            await Parallel.ForAsync(0, chunks.Length, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var chunk = await store.ReadAsync(ChunkId(chunks[i]), ct);
                entries[i] = chunk is not null && chunk.Shape == NewsListsSnapshot.Shape && chunk.Version >= 0
                    ? NewsListsSnapshot.Read(chunk.Payload, options.Value)
                    : throw new InvalidDataException($"chunk {chunks[i]} is missing or of another shape");
            });

            foreach (var part in entries)
            {
                _lists.Restore(part);
            }
        }
        catch (InvalidDataException e)
        {
            logger.LogWarning("The news lists' checkpoint at position {Position} does not read ({Error}); reading the whole log", head.Version, e.Message);
            _lists = new NewsLists(options.Value);
            return 0;
        }

        _storedChunks.UnionWith(chunks);
        return head.Version;
    }

    /// <summary>
    /// Stores the chunks of news that changed since the last checkpoint, then the head naming every chunk and the
    /// position they are all at least as new as. The lists first catch up with the log to a position, so that no event
    /// at or below it can be missing from them. A crash between the chunks and the head leaves chunks newer than the
    /// head, which a restart corrects by version as it applies the events after the head.
    /// </summary>
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        var position = await CatchUpAsync(_caughtUpTo, cancellationToken);
        var changed = _lists.TakeChangedChunks();
        if (changed.Count == 0 && position == _caughtUpTo)
        {
            return;
        }

        _caughtUpTo = position;
        var store = _checkpoints!;
        try
        {
            foreach (var chunk in changed)
            {
                var payload = NewsListsSnapshot.Write(_lists.EntriesOfChunk(chunk));
                await store.WriteAsync(ChunkId(chunk), new StoredSnapshot(position, NewsListsSnapshot.Shape, payload), cancellationToken);
                _storedChunks.Add(chunk);
            }

            var head = new byte[_storedChunks.Count * sizeof(long)];
            Buffer.BlockCopy(_storedChunks.ToArray(), 0, head, 0, head.Length);
            await store.WriteAsync(HeadId, new StoredSnapshot(position, NewsListsSnapshot.Shape, head), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _lists.MarkChanged(changed); // Written next time.
            logger.LogWarning("The news lists' checkpoint at position {Position} was not stored ({Error}); trying again later", position, e.Message);
        }
    }

    private static string ChunkId(long chunk) => $"{HeadId}/{chunk}";
}
