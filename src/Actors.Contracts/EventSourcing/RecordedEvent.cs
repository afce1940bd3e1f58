namespace Actors.EventSourcing;

/// <summary>
/// A domain event as the event log stores and delivers it: the event itself plus the metadata every event carries.
/// </summary>
/// <param name="StreamId">The aggregate stream in the log, e.g. <c>news-42</c>.</param>
/// <param name="Version">1-based position of the event within its stream.</param>
/// <param name="Position">Global position in the log; readers follow it to see every event exactly once, in order.</param>
/// <param name="EventId">Unique id of this event.</param>
/// <param name="RecordedAt">When the log accepted the event.</param>
/// <param name="CorrelationId">The request that started the chain of work, if known.</param>
/// <param name="CausationId">The command or event that directly caused this event, if known.</param>
/// <param name="Data">The domain event record.</param>
[GenerateSerializer, Immutable, Alias("actors.recorded-event")]
public sealed record RecordedEvent(
    [property: Id(0)] string StreamId,
    [property: Id(1)] long Version,
    [property: Id(2)] long Position,
    [property: Id(3)] Guid EventId,
    [property: Id(4)] DateTimeOffset RecordedAt,
    [property: Id(5)] string? CorrelationId,
    [property: Id(6)] string? CausationId,
    [property: Id(7)] object Data)
{
    /// <summary>The category of the stream: the part of <see cref="StreamId"/> before the first '-'.</summary>
    public string Category => EventStreams.CategoryOf(StreamId);

    /// <summary>The stable name of the event type (its serializer alias).</summary>
    public string Type => EventTypes.NameOf(Data.GetType());
}
