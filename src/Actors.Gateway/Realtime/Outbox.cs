using System.Threading.Channels;

namespace Actors.Gateway.Realtime;

/// <summary>
/// The bounded send queue of one connection, and its overflow policy.
/// <list type="bullet">
/// <item>Replies are never dropped (every message gets exactly one): the connection's own receive loop waits for room,
/// so a client that does not read only stops itself.</item>
/// <item>Pushes never wait: when the queue is full the push is dropped and counted. When there is room again the client
/// first gets <c>{"event":"overflow","data":{"dropped":N}}</c>, so it knows to reload what it shows.</item>
/// <item>The <see cref="RealtimeOptions.MaxOverflows"/>+1-th overflow episode, or one episode that drops a whole queue's
/// worth of pushes (the client has stopped reading), ends the connection (<see cref="Aborted"/>).</item>
/// </list>
/// Publishers run on the fan-out path shared by every connection: <see cref="TryPush"/> is O(1), never blocks and never
/// throws, so one slow or dead client costs the others nothing.
/// </summary>
internal sealed class Outbox
{
    private readonly Channel<byte[]> _queue;
    private readonly int _capacity;
    private readonly int _maxOverflows;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _aborted = new();
    private bool _overflowing;
    private int _dropped;

    public Outbox(int capacity, int maxOverflows)
    {
        _capacity = Math.Max(2, capacity);
        _maxOverflows = maxOverflows;
        _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(_capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
            // Not AllowSynchronousContinuations: running every idle socket's send loop on the publisher's thread was
            // measured (ws-fanout) to serialize the fan-out behind the top-list watcher: fewer, later pushes, no CPU saved.
        });
    }

    /// <summary>What the send loop reads.</summary>
    public ChannelReader<byte[]> Reader => _queue.Reader;

    /// <summary>Cancelled when the overflow policy gives up on this connection.</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>Overflow episodes so far.</summary>
    public int Overflows { get; private set; }

    /// <summary>Pushes dropped so far, in total.</summary>
    public long DroppedTotal { get; private set; }

    /// <summary>Queues a reply, waiting for room (back-pressure on this connection's own receive loop only).</summary>
    public ValueTask ReplyAsync(byte[] message, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(message, cancellationToken);

    /// <summary>Queues a push if there is room; otherwise drops it and applies the overflow policy. Returns whether it was queued.</summary>
    public bool TryPush(byte[] message)
    {
        lock (_gate)
        {
            if (_aborted.IsCancellationRequested)
            {
                return false;
            }

            if (_overflowing)
            {
                // Room for the notice and the push, or keep dropping: the notice must come before anything newer.
                if (_queue.Reader.Count <= _capacity - 2 && _queue.Writer.TryWrite(Pushes.Overflow(_dropped)))
                {
                    _overflowing = false;
                    _dropped = 0;
                }
                else
                {
                    return Drop();
                }
            }

            return _queue.Writer.TryWrite(message) || Drop();
        }
    }

    /// <summary>No more messages: the send loop ends once the queue is empty.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    private bool Drop()
    {
        DroppedTotal++;
        _dropped++;
        if (!_overflowing)
        {
            _overflowing = true;
            Overflows++;
        }

        if (Overflows > _maxOverflows || _dropped >= _capacity)
        {
            _aborted.Cancel();
            _queue.Writer.TryComplete();
        }

        return false;
    }
}
