namespace Actors.EventSourcing;

/// <summary>
/// A consumer that commands another grain because of an event passes the event's correlation id on, so what that
/// command appends names the request the chain started from (a vote's karma credit names the vote's request). Stream
/// deliveries carry no request context of their own: one delivery brings the events of many requests, and each event
/// carries its own correlation id.
/// </summary>
/// <example><code>using (OnBehalfOf.CauseOf(recorded)) { await author.CreditKarma(...); }</code></example>
public readonly struct OnBehalfOf : IDisposable
{
    private readonly bool _set;

    private OnBehalfOf(bool set) => _set = set;

    /// <summary>The calls made until disposal carry the correlation id of <paramref name="cause"/>, if it has one.</summary>
    public static OnBehalfOf CauseOf(RecordedEvent cause)
    {
        if (cause.CorrelationId is not { } id)
        {
            return default;
        }

        RequestContext.Set(RequestContextKeys.CorrelationId, id);
        return new OnBehalfOf(true);
    }

    public void Dispose()
    {
        if (_set)
        {
            RequestContext.Remove(RequestContextKeys.CorrelationId);
        }
    }
}
