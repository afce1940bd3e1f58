namespace Actors.Gateway.Realtime;

/// <summary>Limits of the <c>/ws</c> protocol (configuration section <c>Realtime</c>).</summary>
public sealed class RealtimeOptions
{
    /// <summary>Largest client message accepted; a bigger one closes the socket with 1009 (message too big).</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024;

    /// <summary>Messages a connection may have waiting to be sent (replies and pushes). Bounds a slow client's memory.</summary>
    public int SendQueueCapacity { get; set; } = 256;

    /// <summary>
    /// Overflow episodes (pushes dropped because the queue was full) a connection may have; the next one closes it
    /// (1008). A single episode that drops as many pushes as the queue holds closes it too: that client is not reading.
    /// </summary>
    public int MaxOverflows { get; set; } = 3;

    /// <summary>Client messages per second a connection may send (with a burst of twice that); more are answered with an error.</summary>
    public int MessagesPerSecond { get; set; } = 50;

    /// <summary>Refused (over-rate) messages in a row after which a flooding connection is closed (1008).</summary>
    public int MaxRefusedInARow { get; set; } = 100;

    /// <summary>
    /// Open <c>/ws</c> connections one remote address (an IPv6 /64) may hold; the next upgrade is answered 429. Clients
    /// behind one NAT share it, hence a generous default.
    /// </summary>
    public int MaxSocketsPerIp { get; set; } = 64;

    /// <summary>Channels one connection may be subscribed to at once.</summary>
    public int MaxSubscriptions { get; set; } = 64;

    /// <summary>How many news the <c>news.top</c> channel follows (the front page).</summary>
    public int TopCount { get; set; } = 30;

    /// <summary>
    /// Least time between two <c>news.top</c> pushes: votes arriving meanwhile are folded into the next one. The first
    /// change after a quiet spell is pushed at once; under heavy voting this caps the pushes per second that every
    /// follower receives, and adds at most this much to the delay of a push (see the ws-fanout measurements).
    /// </summary>
    public TimeSpan TopMinInterval { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// While anyone follows <c>news.top</c>, the list is also re-read this often: ranks age with time, so the order can
    /// change without any event.
    /// </summary>
    public TimeSpan TopAgingInterval { get; set; } = TimeSpan.FromSeconds(5);
}
