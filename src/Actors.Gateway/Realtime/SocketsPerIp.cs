using Actors.Gateway.Hosting;
using System.Collections.Concurrent;
using System.Net;

namespace Actors.Gateway.Realtime;

/// <summary>
/// Open <c>/ws</c> connections per remote address, so one host cannot hold the gateway's sockets (and the memory of
/// their send queues) alone. An IPv6 client is counted by its /64 prefix: one host usually owns the whole prefix.
/// </summary>
public sealed class SocketsPerIp
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>A slot for <paramref name="remote"/> if it holds fewer than <paramref name="max"/>; null otherwise.</summary>
    public IDisposable? TryEnter(IPAddress? remote, int max)
    {
        var key = ClientAddress.KeyOf(remote);
        while (true)
        {
            var current = _open.GetOrAdd(key, 0);
            if (current >= max)
            {
                return null;
            }

            if (_open.TryUpdate(key, current + 1, current))
            {
                return new Slot(this, key);
            }
        }
    }

    /// <summary>Connections now open from <paramref name="remote"/>.</summary>
    public int OpenFrom(IPAddress? remote) => _open.TryGetValue(ClientAddress.KeyOf(remote), out var count) ? count : 0;

    private void Leave(string key)
    {
        while (true)
        {
            var current = _open[key];
            if (current == 1)
            {
                // Removed only if still 1, so a concurrent enter is never lost; empty entries do not pile up.
                if (_open.TryRemove(KeyValuePair.Create(key, 1)))
                {
                    return;
                }
            }
            else if (_open.TryUpdate(key, current - 1, current))
            {
                return;
            }
        }
    }

    private sealed class Slot(SocketsPerIp owner, string key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Leave(key);
            }
        }
    }
}
