using Actors.EventSourcing;
using Microsoft.Extensions.Logging;

namespace Actors.News;

/// <summary>
/// The stored checkpoint of the <c>top</c> and <c>latest</c> lists (PostgreSQL mode): chunks of
/// <see cref="NewsListsSnapshot.ChunkSize"/> news ids, each written when one of its news changed, and a head naming every
/// chunk and the log position they all cover, in <see cref="ISnapshotStore"/>. A restart reads them and then only the
/// events after the head, where it folded the whole news history (9 s at 100,000 news, growing with the log).
/// </summary>
public sealed class NewsListsCheckpoint(ISnapshotStore store, IEventLog log, NewsOptions options, ILogger logger)
{
    public const string HeadId = "$lists-news";

    private readonly SortedSet<long> _storedChunks = [];

    public static string ChunkId(long chunk) => $"{HeadId}/{chunk}";

    /// <summary>
    /// The lists as of the last checkpoint and its log position, or empty lists and 0 when there is none to trust: a
    /// checkpoint is a cache, never the truth, so any doubt means folding the whole news history.
    /// </summary>
    public async Task<(NewsLists Lists, long Position)> RestoreAsync(CancellationToken cancellationToken)
    {
        var head = await store.ReadAsync(HeadId, cancellationToken);
        if (head is null || head.Shape != NewsListsSnapshot.Shape || head.Version <= 0 || head.Payload.Length % sizeof(long) != 0)
        {
            return (new NewsLists(options), 0);
        }

        // The event at the checkpoint's position must be in the log, or the checkpoint belongs to another history.
        var backing = await log.ReadAllAsync(head.Version - 1, 1, NewsStreams.Category, cancellationToken);
        if (backing.Count == 0 || backing[0].Position != head.Version)
        {
            logger.LogWarning("The news lists' checkpoint at position {Position} is not backed by the log; reading the whole log", head.Version);
            return (new NewsLists(options), 0);
        }

        var chunks = new long[head.Payload.Length / sizeof(long)];
        Buffer.BlockCopy(head.Payload, 0, chunks, 0, head.Payload.Length);
        var lists = new NewsLists(options);
        try
        {
            // A few reads in flight: each chunk is one row of up to a few hundred KB.
            var entries = new IReadOnlyList<NewsListEntry>[chunks.Length];
            await Parallel.ForAsync(0, chunks.Length, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var chunk = await store.ReadAsync(ChunkId(chunks[i]), ct);
                entries[i] = chunk is not null && chunk.Shape == NewsListsSnapshot.Shape
                    ? NewsListsSnapshot.Read(chunk.Payload, options)
                    : throw new InvalidDataException($"chunk {chunks[i]} is missing or of another shape");
            });

            foreach (var part in entries)
            {
                lists.Restore(part);
            }
        }
        catch (InvalidDataException e)
        {
            logger.LogWarning("The news lists' checkpoint at position {Position} does not read ({Error}); reading the whole log", head.Version, e.Message);
            return (new NewsLists(options), 0);
        }

        _storedChunks.UnionWith(chunks);
        return (lists, head.Version);
    }

    /// <summary>
    /// Stores the chunks of news that changed since the last checkpoint, then the head naming every chunk and
    /// <paramref name="position"/>: every news event at or below it must be in <paramref name="lists"/> (newer ones may
    /// be too). A crash between the chunks and the head leaves chunks newer than the head, which a restart corrects by
    /// version as it applies the events after the head. Chunks not stored are marked changed again.
    /// </summary>
    public async Task StoreAsync(NewsLists lists, long position, CancellationToken cancellationToken)
    {
        var changed = lists.TakeChangedChunks();
        try
        {
            foreach (var chunk in changed)
            {
                var payload = NewsListsSnapshot.Write(lists.EntriesOfChunk(chunk));
                await store.WriteAsync(ChunkId(chunk), new StoredSnapshot(position, NewsListsSnapshot.Shape, payload), cancellationToken);
                _storedChunks.Add(chunk);
            }

            var head = new byte[_storedChunks.Count * sizeof(long)];
            Buffer.BlockCopy(_storedChunks.ToArray(), 0, head, 0, head.Length);
            await store.WriteAsync(HeadId, new StoredSnapshot(position, NewsListsSnapshot.Shape, head), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lists.MarkChanged(changed); // Written next time.
            logger.LogWarning("The news lists' checkpoint at position {Position} was not stored ({Error}); trying again later", position, e.Message);
        }
    }
}
