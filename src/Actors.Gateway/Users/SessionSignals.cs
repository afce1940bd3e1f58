namespace Actors.Gateway.Users;

/// <summary>
/// Tells this gateway's long-lived holders of a session (WebSockets) that a user's sessions ended: logout, a password
/// change, a used reset link. Raised at once by the gateway that handled the change, and from the users events (see
/// <see cref="SessionInvalidation"/>) on every gateway; a repeat is harmless. A watcher must be quick and must not
/// throw: it runs on the raiser's thread.
/// </summary>
public sealed class SessionSignals
{
    private readonly Dictionary<long, List<Action<string?>>> _watchers = [];
    private readonly Lock _gate = new();
    private long _epoch;

    /// <summary>
    /// Changes whenever any user's sessions end. Read before checking a session and compared after acting on it: when it
    /// moved, the check may predate the end and must be made again (a watch registered after the signal misses it).
    /// </summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>
    /// Calls <paramref name="onEnded"/> whenever the sessions of <paramref name="userId"/> end, until disposed, with the
    /// user's token from then on when known (a session under that token is a new one and stays), else null.
    /// </summary>
    public IDisposable Watch(long userId, Action<string?> onEnded)
    {
        lock (_gate)
        {
            if (!_watchers.TryGetValue(userId, out var list))
            {
                _watchers[userId] = list = [];
            }

            list.Add(onEnded);
        }

        return new Registration(this, userId, onEnded);
    }

    /// <summary>
    /// The sessions of <paramref name="userId"/> ended; <paramref name="currentToken"/> is the user's token from then on
    /// when known. Why it matters: the users event of a logout can arrive after the user signed in again with that token.
    /// </summary>
    public void SessionsEnded(long userId, string? currentToken)
    {
        Action<string?>[] watchers;
        lock (_gate)
        {
            Interlocked.Increment(ref _epoch);
            watchers = _watchers.TryGetValue(userId, out var list) ? [.. list] : [];
        }

        foreach (var watcher in watchers)
        {
            watcher(currentToken);
        }
    }

    private void Unwatch(long userId, Action<string?> onEnded)
    {
        lock (_gate)
        {
            if (_watchers.TryGetValue(userId, out var list) && list.Remove(onEnded) && list.Count == 0)
            {
                _watchers.Remove(userId);
            }
        }
    }

    private sealed class Registration(SessionSignals owner, long userId, Action<string?> onEnded) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unwatch(userId, onEnded);
            }
        }
    }
}
