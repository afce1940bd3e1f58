using System.Buffers.Binary;

namespace Actors.EventSourcing;

/// <summary>The embedded default: the whole log in this process's memory. Lost when the process stops.</summary>
public sealed class InMemoryEventLog(TimeProvider time) : IEventLog
{
    // Event ids: one random Guid per log, its low half combined with the event's position (unique in this log, and
    // another log starts from another random Guid). Guid.NewGuid per event was a read of the kernel's random device
    // (a system call) per event, under the lock: ~2.5% of an up-vote's CPU, which appends three events.
    private readonly Guid _idSeed = Guid.NewGuid();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<RecordedEvent>> _streams = new(StringComparer.Ordinal);
    private readonly List<RecordedEvent> _all = [];

    public Task<IReadOnlyList<RecordedEvent>> AppendAsync(
        string streamId, long expectedVersion, IReadOnlyList<object> events, EventMetadata metadata, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var stream = StreamAt(streamId, expectedVersion);
            return Task.FromResult(Write(stream, streamId, events, metadata, now));
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
                recorded[i] = Write(streams[i], appends[i].StreamId, appends[i].Events, appends[i].Metadata, now);
            }

            return Task.FromResult<IReadOnlyList<IReadOnlyList<RecordedEvent>>>(recorded);
        }
    }

    private List<RecordedEvent> StreamAt(string streamId, long expectedVersion)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        if (!_streams.TryGetValue(streamId, out var stream))
        {
            if (expectedVersion != 0)
            {
                throw new WrongExpectedVersionException(streamId, expectedVersion, 0);
            }

            stream = [];
            _streams.Add(streamId, stream);
        }

        if (stream.Count != expectedVersion)
        {
            throw new WrongExpectedVersionException(streamId, expectedVersion, stream.Count);
        }

        return stream;
    }

    private IReadOnlyList<RecordedEvent> Write(List<RecordedEvent> stream, string streamId, IReadOnlyList<object> events, EventMetadata metadata, DateTimeOffset now)
    {
        var recorded = new RecordedEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var position = _all.Count + 1L;
            var e = new RecordedEvent(
                streamId, stream.Count + 1, position, IdOf(position), now, metadata.CorrelationId, metadata.CausationId, events[i]);
            stream.Add(e);
            _all.Add(e);
            recorded[i] = e;
        }

        return recorded;
    }

    private Guid IdOf(long position)
    {
        Span<byte> bytes = stackalloc byte[16];
        _idSeed.TryWriteBytes(bytes);
        var low = bytes[8..];
        BinaryPrimitives.WriteInt64LittleEndian(low, BinaryPrimitives.ReadInt64LittleEndian(low) ^ position);
        return new Guid(bytes);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_streams.TryGetValue(streamId, out var stream) || afterVersion >= stream.Count)
            {
                return Task.FromResult<IReadOnlyList<RecordedEvent>>([]);
            }

            return Task.FromResult<IReadOnlyList<RecordedEvent>>(stream.GetRange((int)afterVersion, stream.Count - (int)afterVersion).ToArray());
        }
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(
        long afterPosition, int maxCount, string? category = null, CancellationToken cancellationToken = default)
    {
        var result = new List<RecordedEvent>(Math.Min(maxCount, 1024));
        lock (_gate)
        {
            // Positions are 1-based and dense here, so position p lives at index p - 1.
            for (var i = (int)Math.Max(0, afterPosition); i < _all.Count && result.Count < maxCount; i++)
            {
                var e = _all[i];
                if (category is null || e.Category == category)
                {
                    result.Add(e);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<RecordedEvent>>(result);
    }
}
