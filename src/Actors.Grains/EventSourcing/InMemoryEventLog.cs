using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Actors.EventSourcing;

/// <summary>The embedded default: the whole log in this process's memory. Lost when the process stops.</summary>
/// <remarks>
/// Stored compactly, because it holds the whole history: one 40-byte entry per event (the event object, its append's
/// metadata, the time as ticks, the stream, the version, the stream's previous event) in chunks, one entry per stream,
/// and per category the positions of its events (4 bytes per event). A <see cref="RecordedEvent"/> is made when read;
/// its position is where it is stored, and its id is computed from the position. Before, every event was kept as a
/// <see cref="RecordedEvent"/> (96 bytes) referenced from the whole log's list and its stream's, each stream with a list of
/// its own, and the metadata of every append without a request (consumers' appends) was an object of its own:
/// ~250 bytes per event before the event itself, against ~50 now. The events stay objects, not serialized bytes: the
/// ranking's entries share their strings (title, URL, user name), so bytes would hold them twice, and reads would
/// decode them.
/// </remarks>
public sealed class InMemoryEventLog(TimeProvider time) : IEventLog
{
    // Event ids: one random Guid per log, its low half combined with the event's position (unique in this log, and
    // another log starts from another random Guid). Guid.NewGuid per event was a read of the kernel's random device
    // (a system call) per event, under the lock: ~2.5% of an up-vote's CPU, which appends three events.
    private readonly Guid _idSeed = Guid.NewGuid();
    private readonly Lock _gate = new();
    private readonly ChunkedList<Entry> _entries = new(); // position p at index p - 1
    private readonly Dictionary<string, int> _streamIndex = new(StringComparer.Ordinal);
    private readonly List<Stream> _streams = [];
    private readonly Dictionary<string, ChunkedList<int>> _categories = new(StringComparer.Ordinal); // entry indexes, ascending

    private struct Entry
    {
        public object Data;
        public EventMetadata Metadata;
        public long UtcTicks;
        public int Stream;
        public int Version;
        public int PreviousInStream; // entry index, -1 for the stream's first event
    }

    private struct Stream
    {
        public string Id;
        public ChunkedList<int> Category;
        public int Count;
        public int Last; // entry index of its last event
        public int Partition; // EventStreams.PartitionOf(Id), once
    }

    public Task<IReadOnlyList<RecordedEvent>> AppendAsync(
        string streamId, long expectedVersion, IReadOnlyList<object> events, EventMetadata metadata, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var stream = StreamAt(streamId, expectedVersion);
            return Task.FromResult(Write(stream, events, metadata, now));
        }
    }

    public Task<IReadOnlyList<IReadOnlyList<RecordedEvent>>> AppendAtomicallyAsync(
        IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default)
    {
        if (appends.Select(a => a.StreamId).Distinct(StringComparer.Ordinal).Count() != appends.Count)
        {
            throw new ArgumentException("An atomic append names each stream once.", nameof(appends));
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            // Every check before any write: all or nothing.
            var streams = appends.Select(a => StreamAt(a.StreamId, a.ExpectedVersion)).ToArray();
            var recorded = new IReadOnlyList<RecordedEvent>[appends.Count];
            for (var i = 0; i < appends.Count; i++)
            {
                recorded[i] = Write(streams[i], appends[i].Events, appends[i].Metadata, now);
            }

            return Task.FromResult<IReadOnlyList<IReadOnlyList<RecordedEvent>>>(recorded);
        }
    }

    /// <summary>The index of the stream, which must be at <paramref name="expectedVersion"/> (0 creates it, empty).</summary>
    private int StreamAt(string streamId, long expectedVersion)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        if (!_streamIndex.TryGetValue(streamId, out var index))
        {
            if (expectedVersion != 0)
            {
                throw new WrongExpectedVersionException(streamId, expectedVersion, 0);
            }

            var category = EventStreams.CategoryOf(streamId);
            if (!_categories.TryGetValue(category, out var positions))
            {
                positions = new ChunkedList<int>();
                _categories.Add(category, positions);
            }

            index = _streams.Count;
            _streams.Add(new Stream { Id = streamId, Category = positions, Count = 0, Last = -1, Partition = EventStreams.PartitionOf(streamId) });
            _streamIndex.Add(streamId, index);
        }

        var count = _streams[index].Count;
        if (count != expectedVersion)
        {
            throw new WrongExpectedVersionException(streamId, expectedVersion, count);
        }

        return index;
    }

    private IReadOnlyList<RecordedEvent> Write(int streamIndex, IReadOnlyList<object> events, EventMetadata metadata, DateTimeOffset now)
    {
        ref var stream = ref CollectionsMarshal.AsSpan(_streams)[streamIndex];
        metadata = Shared(metadata);
        var recorded = new RecordedEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var index = _entries.Count;
            var version = checked(stream.Count + 1);
            _entries.Add(new Entry
            {
                Data = events[i],
                Metadata = metadata,
                UtcTicks = now.UtcTicks,
                Stream = streamIndex,
                Version = version,
                PreviousInStream = stream.Last,
            });
            stream.Category.Add(index);
            stream.Count = version;
            stream.Last = index;
            var position = index + 1L;
            recorded[i] = new RecordedEvent(
                stream.Id, version, position, IdOf(position), now, metadata.CorrelationId, metadata.CausationId, events[i]);
        }

        return recorded;
    }

    /// <summary>
    /// One metadata object for consecutive appends of one request (a vote appends to the voter's stream, then the
    /// news'), and none at all for appends made outside any request (stream consumers'), which are most appends.
    /// </summary>
    private EventMetadata Shared(EventMetadata metadata)
    {
        if (metadata.CorrelationId is null && metadata.CausationId is null)
        {
            return EventMetadata.None;
        }

        if (_entries.Count > 0 && _entries[_entries.Count - 1].Metadata is var previous && previous.Equals(metadata))
        {
            return previous;
        }

        return metadata;
    }

    private Guid IdOf(long position)
    {
        Span<byte> bytes = stackalloc byte[16];
        _idSeed.TryWriteBytes(bytes);
        var low = bytes[8..];
        BinaryPrimitives.WriteInt64LittleEndian(low, BinaryPrimitives.ReadInt64LittleEndian(low) ^ position);
        return new Guid(bytes);
    }

    /// <summary>The event stored at entry <paramref name="index"/>, as readers see it.</summary>
    private RecordedEvent Read(int index)
    {
        ref var e = ref _entries[index];
        var position = index + 1L;
        return new RecordedEvent(
            _streams[e.Stream].Id, e.Version, position, IdOf(position), new DateTimeOffset(e.UtcTicks, TimeSpan.Zero),
            e.Metadata.CorrelationId, e.Metadata.CausationId, e.Data);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_streamIndex.TryGetValue(streamId, out var streamIndex) || afterVersion >= _streams[streamIndex].Count)
            {
                return Task.FromResult<IReadOnlyList<RecordedEvent>>([]);
            }

            // Walks back from the stream's last event: as many steps as events returned.
            var stream = _streams[streamIndex];
            var events = new RecordedEvent[stream.Count - (int)Math.Max(0, afterVersion)];
            var index = stream.Last;
            for (var i = events.Length - 1; i >= 0; i--)
            {
                events[i] = Read(index);
                index = _entries[index].PreviousInStream;
            }

            return Task.FromResult<IReadOnlyList<RecordedEvent>>(events);
        }
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(
        long afterPosition, int maxCount, string? category = null, CancellationToken cancellationToken = default)
    {
        var result = new List<RecordedEvent>(Math.Min(maxCount, 1024));
        lock (_gate)
        {
            // Positions are 1-based and dense here, so position p lives at entry p - 1.
            var first = (int)Math.Clamp(afterPosition, 0, int.MaxValue);
            if (category is null)
            {
                for (var i = first; i < _entries.Count && result.Count < maxCount; i++)
                {
                    result.Add(Read(i));
                }
            }
            else if (_categories.TryGetValue(category, out var positions))
            {
                // The category's entries, from the first after afterPosition: no scan of other categories' events.
                for (var i = FirstAtOrAfter(positions, first); i < positions.Count && result.Count < maxCount; i++)
                {
                    result.Add(Read(positions[i]));
                }
            }
        }

        return Task.FromResult<IReadOnlyList<RecordedEvent>>(result);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadCategoryPartitionAsync(
        string category, int partition, long afterPosition, int maxCount, CancellationToken cancellationToken = default)
    {
        var result = new List<RecordedEvent>(Math.Min(maxCount, 1024));
        lock (_gate)
        {
            if (_categories.TryGetValue(category, out var positions))
            {
                // The category's entries, skipping other partitions' without making events of them: a partition's
                // replay (8 per category) made and hashed every event of the category.
                var first = (int)Math.Clamp(afterPosition, 0, int.MaxValue);
                for (var i = FirstAtOrAfter(positions, first); i < positions.Count && result.Count < maxCount; i++)
                {
                    var index = positions[i];
                    if (_streams[_entries[index].Stream].Partition == partition)
                    {
                        result.Add(Read(index));
                    }
                }
            }
        }

        return Task.FromResult<IReadOnlyList<RecordedEvent>>(result);
    }

    /// <summary>The first place in the ascending <paramref name="indexes"/> holding a value of at least <paramref name="index"/>.</summary>
    private static int FirstAtOrAfter(ChunkedList<int> indexes, int index)
    {
        int low = 0, high = indexes.Count;
        while (low < high)
        {
            var middle = low + ((high - low) >> 1);
            if (indexes[middle] < index)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
