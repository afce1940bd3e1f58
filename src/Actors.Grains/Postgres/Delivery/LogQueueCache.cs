using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace Actors.Postgres.Delivery;

/// <summary>Creates a <see cref="LogQueueCache"/> per delivery queue.</summary>
internal sealed class LogQueueAdapterCache(LogQueueCacheOptions options) : IQueueAdapterCache
{
    public IQueueCache CreateQueueCache(QueueId queueId) => new LogQueueCache(options);
}

internal sealed record LogQueueCacheOptions(int MaxPerStream, int MaxTotal, int MaxAddCount, int ConsumerBatchSize);

/// <summary>
/// The pulling agent's cache of one log partition, kept per Orleans stream (category, partition): an event stays
/// until every consumer of its own stream has passed it, and only those consumers hold it.
/// Why not Orleans' SimpleQueueCache: it keeps one list for the whole queue and frees it oldest first, so a slow
/// consumer of one stream (the activity feed, which writes per vote) pinned every later event of every stream of
/// the partition, the cache filled with events of other categories, the queue stopped reading, and a vote waited
/// seconds for the top list behind a backlog that was not its own. Here the queue stops reading only when one
/// stream's own backlog (or the whole cache) is full.
/// Items are released in any order across streams, so the receiver checkpoints the contiguous delivered prefix.
/// </summary>
internal sealed class LogQueueCache(LogQueueCacheOptions options) : IQueueCache
{
    private readonly Dictionary<StreamId, StreamBuffer> _streams = [];
    private int _total;

    public int Size => _total;

    public int GetMaxAddCount() => options.MaxAddCount;

    public bool IsUnderPressure()
    {
        if (_total >= options.MaxTotal)
        {
            return true;
        }

        foreach (var buffer in _streams.Values)
        {
            if (buffer.Count >= options.MaxPerStream)
            {
                return true;
            }
        }

        return false;
    }

    public void AddToCache(IList<IBatchContainer> messages)
    {
        foreach (var message in messages)
        {
            if (!_streams.TryGetValue(message.StreamId, out var buffer))
            {
                buffer = new StreamBuffer();
                _streams.Add(message.StreamId, buffer);
            }

            buffer.Add(message);
            _total++;
        }
    }

    public bool TryPurgeFromCache(out IList<IBatchContainer> purgedItems)
    {
        List<IBatchContainer>? purged = null;
        foreach (var buffer in _streams.Values)
        {
            _total -= buffer.Release(ref purged);
        }

        purgedItems = purged ?? [];
        return purged is not null;
    }

    [Obsolete("Use TryGetCacheCursor instead.")]
    public IQueueCacheCursor GetCacheCursor(StreamId streamId, StreamSequenceToken? token)
    {
        var result = TryGetCacheCursor(streamId, token);
        return result.Kind == QueueCacheCursorResultKind.Success ? result.Cursor! : throw result.CacheMiss!.Value.ToException();
    }

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursor(StreamId streamId, StreamSequenceToken? token)
    {
        var buffer = BufferOf(streamId);
        if (token is not null && token.SequenceNumber <= buffer.LastReleasedSequence)
        {
            // Events of this stream at or after the token were already released: the agent falls back (as with
            // Orleans' own caches) to the event that triggered the subscription.
            return QueueCacheCursorResult<IQueueCacheCursor>.FromCacheMiss(new QueueCacheMissInfo(token.ToString(), null, null));
        }

        return QueueCacheCursorResult<IQueueCacheCursor>.FromCursor(buffer.OpenCursor(token is null ? buffer.EndIndex : buffer.IndexOf(token), options.ConsumerBatchSize));
    }

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursorAtPosition(StreamId streamId, StreamSubscriptionStartPosition startPosition)
    {
        var buffer = BufferOf(streamId);
        return QueueCacheCursorResult<IQueueCacheCursor>.FromCursor(
            buffer.OpenCursor(startPosition == StreamSubscriptionStartPosition.EarliestAvailable ? buffer.FirstIndex : buffer.EndIndex, options.ConsumerBatchSize));
    }

    private StreamBuffer BufferOf(StreamId streamId)
    {
        if (!_streams.TryGetValue(streamId, out var buffer))
        {
            buffer = new StreamBuffer();
            _streams.Add(streamId, buffer);
        }

        return buffer;
    }

    /// <summary>The events of one Orleans stream still held for its cursors, oldest first, indexed from the first ever added.</summary>
    private sealed class StreamBuffer
    {
        // A list with a moving head (a queue with indexing): cursors read by index, releases advance the head.
        private readonly List<IBatchContainer> _items = [];
        private readonly List<Cursor> _cursors = [];
        private int _head;
        private long _firstIndex;
        private long _lastReleasedSequence = long.MinValue;

        public int Count => _items.Count - _head;

        public long EndIndex => _firstIndex + Count;

        public void Add(IBatchContainer item) => _items.Add(item);

        public IBatchContainer At(long index) => _items[_head + (int)(index - _firstIndex)];

        /// <summary>Releases what no cursor of this stream still needs (everything, if it has no cursor).</summary>
        public int Release(ref List<IBatchContainer>? released)
        {
            var keepFrom = EndIndex;
            foreach (var cursor in _cursors)
            {
                keepFrom = Math.Min(keepFrom, cursor.NeededFrom);
            }

            var count = (int)(keepFrom - _firstIndex);
            if (count <= 0)
            {
                return 0;
            }

            released ??= [];
            for (var i = 0; i < count; i++)
            {
                released.Add(_items[_head + i]);
            }

            _lastReleasedSequence = _items[_head + count - 1].SequenceToken.SequenceNumber;
            _head += count;
            _firstIndex += count;
            if (_head == _items.Count)
            {
                _items.Clear();
                _head = 0;
            }
            else if (_head >= 1024 && _head * 2 >= _items.Count)
            {
                _items.RemoveRange(0, _head);
                _head = 0;
            }

            return count;
        }

        public long FirstIndex => _firstIndex;

        public long LastReleasedSequence => _lastReleasedSequence;

        /// <summary>The index of the first held event at or after <paramref name="token"/> (the end if none).</summary>
        public long IndexOf(StreamSequenceToken token)
        {
            var index = _firstIndex;
            while (index < EndIndex && At(index).SequenceToken.SequenceNumber < token.SequenceNumber)
            {
                index++;
            }

            return index;
        }

        public Cursor OpenCursor(long start, int batchSize)
        {
            var cursor = new Cursor(this, start, batchSize);
            _cursors.Add(cursor);
            return cursor;
        }

        public void Close(Cursor cursor) => _cursors.Remove(cursor);
    }

    /// <summary>
    /// One consumer's place in its stream. It holds the events it returned most recently until it has returned
    /// <c>batchSize</c> more: the pulling agent delivers up to that many at once after taking them, and an event may
    /// only be released (and so checkpointed) once delivered.
    /// </summary>
    private sealed class Cursor(StreamBuffer buffer, long next, int batchSize) : IQueueCacheCursor
    {
        private readonly Queue<long> _recent = new();
        private IBatchContainer? _current;
        private bool _closed;

        public long NeededFrom => _recent.TryPeek(out var oldest) ? oldest : next;

        public IBatchContainer? GetCurrent(out Exception? exception)
        {
            exception = null;
            return _current;
        }

        public QueueCacheCursorMoveResult MoveNextWithResult() =>
            Advance() ? QueueCacheCursorMoveResult.Success : QueueCacheCursorMoveResult.NoData;

        [Obsolete("Use MoveNextWithResult instead.")]
        public bool MoveNext() => Advance();

        private bool Advance()
        {
            if (_closed || next >= buffer.EndIndex)
            {
                _current = null;
                if (batchSize <= 1)
                {
                    // One event per delivery: asking for the next one means the last one was delivered.
                    _recent.Clear();
                }

                return false;
            }

            _current = buffer.At(next);
            _recent.Enqueue(next);
            while (_recent.Count > Math.Max(1, batchSize))
            {
                _recent.Dequeue();
            }

            next++;
            return true;
        }

        public void Refresh(StreamSequenceToken token)
        {
            // The cursor already points at the next event of its stream, whenever it arrives.
        }

        public void RecordDeliveryFailure()
        {
            // Nothing to do: a consumer's failed event is parked by the failure handler and then counts as done
            // (the receiver checkpoints past it, as before), so it is released like any other.
        }

        public void Dispose()
        {
            if (!_closed)
            {
                _closed = true;
                _recent.Clear();
                buffer.Close(this);
            }
        }
    }
}
