using Actors.EventSourcing;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace Actors.Postgres.Delivery;

/// <summary>
/// One event read from the log, on its way to the Orleans stream (category, partition) of its aggregate.
/// The sequence token is a counter of the reading queue, not the log position: it keeps growing when the queue
/// rewinds for a rebuild or replays a parked event, as Orleans' stream caches expect.
/// </summary>
[GenerateSerializer, Alias("actors.log-batch-container")]
public sealed class LogBatchContainer : IBatchContainer
{
    /// <summary>Which rewind generation of its receiver read it (checkpoints ignore older generations). Not serialized.</summary>
    [NonSerialized]
    internal readonly int Generation;

    public LogBatchContainer(RecordedEvent recorded, EventSequenceTokenV2 token, long? parkedId = null, int generation = 0)
    {
        Generation = generation;
        Event = recorded;
        Token = token;
        ParkedId = parkedId;
    }

    [Id(0)]
    public RecordedEvent Event { get; }

    [Id(1)]
    public EventSequenceTokenV2 Token { get; }

    /// <summary>Set when this delivery replays a parked event.</summary>
    [Id(2)]
    public long? ParkedId { get; }

    public StreamId StreamId => EventStreams.OrleansStreamOf(Event.StreamId);

    public StreamSequenceToken SequenceToken => Token;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Event is T item ? [Tuple.Create(item, (StreamSequenceToken)Token)] : [];

    // No request context: the event carries its correlation id, and a consumer that commands because of it passes it on
    // (OnBehalfOf), as in the in-memory mode.
    public bool ImportRequestContext() => false;
}
