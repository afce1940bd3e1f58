using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Actors.Gateway.Realtime;

/// <summary>
/// Who follows which channel, in this gateway process. Publishing walks an immutable snapshot of a channel's
/// subscribers and hands each the same bytes with a non-blocking <see cref="Outbox.TryPush"/>: the cost of one push is
/// one enqueue per subscriber, whatever the subscribers do with it.
/// </summary>
public sealed class RealtimeHub
{
    private readonly ConcurrentDictionary<string, ImmutableArray<Outbox>> _channels = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _pushed;
    private long _dropped;
    private volatile int _followed; // channels with subscribers, written under _gate

    /// <summary>Pushes queued for delivery since start (one per subscriber).</summary>
    public long Pushed => Interlocked.Read(ref _pushed);

    /// <summary>Pushes dropped since start because a subscriber's queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>True when nobody in this process follows any channel (read without a lock: one field).</summary>
    public bool IsIdle => _followed == 0;

    /// <summary>True when anyone in this process follows <paramref name="channel"/>.</summary>
    public bool HasSubscribers(string channel) => _channels.TryGetValue(channel, out var subscribers) && subscribers.Length > 0;

    internal void Subscribe(string channel, Outbox outbox)
    {
        lock (_gate)
        {
            var subscribers = _channels.GetValueOrDefault(channel, []);
            if (!subscribers.Contains(outbox))
            {
                _channels[channel] = subscribers.Add(outbox);
                _followed = _channels.Count;
            }
        }
    }

    internal void Unsubscribe(string channel, Outbox outbox)
    {
        lock (_gate)
        {
            if (_channels.TryGetValue(channel, out var subscribers))
            {
                var left = subscribers.Remove(outbox);
                if (left.IsEmpty)
                {
                    _channels.TryRemove(channel, out _);
                }
                else
                {
                    _channels[channel] = left;
                }

                _followed = _channels.Count;
            }
        }
    }

    internal void Publish(string channel, byte[] message)
    {
        if (!_channels.TryGetValue(channel, out var subscribers))
        {
            return;
        }

        long pushed = 0, dropped = 0;
        foreach (var outbox in subscribers)
        {
            if (outbox.TryPush(message))
            {
                pushed++;
            }
            else
            {
                dropped++;
            }
        }

        Interlocked.Add(ref _pushed, pushed);
        Interlocked.Add(ref _dropped, dropped);
    }
}
