using System.Security.Cryptography;
using System.Text;
using Actors.Accounts;
using Actors.Gateway.News;
using Actors.Gateway.Users;
using Actors.News;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.Realtime;

/// <summary>
/// What the <c>/ws</c> commands of one socket act on: who is signed in (its token), which channels it follows, and
/// what it wrote lately (read-your-writes: the socket is a session of its own, so it keeps in memory the token an HTTP
/// client keeps in a cookie, and its reads of read models wait for it the same way, <see cref="ReadYourWrites"/>).
/// Owned by its <see cref="RealtimeConnection"/>, used from its receive loop (one message at a time); except that an
/// <c>account.&lt;id&gt;</c> channel is dropped from wherever <see cref="SessionSignals"/> reports that the session it
/// was granted under ended (logout, password change, reset), hence the lock around the subscriptions.
/// </summary>
internal sealed class WsSession(IServiceProvider services, RealtimeHub hub, Outbox outbox, RealtimeOptions options, string? token)
{
    private readonly HashSet<string> _subscriptions = new(StringComparer.Ordinal);
    // The account channels, each with the user and token that were allowed to follow it; one signal watch per user.
    private readonly Dictionary<string, (long UserId, string Token)> _granted = new(StringComparer.Ordinal);
    private readonly Dictionary<long, IDisposable> _watches = [];
    private readonly Lock _gate = new();
    private readonly SessionSignals? _signals = services.GetService<SessionSignals>();
    private string? _token = token;
    private readonly int _readYourWritesBound = services.GetRequiredService<IOptions<NewsOptions>>().Value.ReadYourWritesMilliseconds;
    private readonly ReadYourWrites.Waits _waits = services.GetRequiredService<ReadYourWrites.Waits>();
    private ReadYourWrites.Token? _written; // used from the receive loop only, like the commands that change it

    public IGrainFactory Grains { get; } = services.GetRequiredService<IGrainFactory>();

    /// <summary>Remembers what a command of this socket wrote (the last few writes of one user, as the HTTP token).</summary>
    public void Remember(long writerId, IReadOnlyList<ReadYourWrites.Written> written) =>
        _written = ReadYourWrites.Token.With(_written, writerId, written);

    /// <summary>What an account read of this socket waits for; null (nothing to do) before any account write, or when switched off.</summary>
    public ReadYourWrites.AccountsWait? AccountsWait() =>
        _readYourWritesBound > 0 && _written is { } written && written.Entries.Any(e => e is ReadYourWrites.Written.Account)
            ? new ReadYourWrites.AccountsWait(written, _readYourWritesBound, _waits, CancellationToken.None)
            : null;

    /// <summary>The user of this socket now: the token is checked on every command, so a logout ends the socket's rights too.</summary>
    public Task<SignedInUser?> UserAsync() => services.AuthenticateTokenAsync(_token);

    public async Task<byte[]> AuthAsync(string id, string? token)
    {
        var user = await services.AuthenticateTokenAsync(token);
        if (user is null)
        {
            return Pushes.Error(id, "Not authenticated.");
        }

        _token = token;
        return Pushes.Ok(id, new { user = new { id = user.Id, username = user.Username, karma = user.Karma } });
    }

    public async Task<byte[]> SubscribeAsync(string id, string? name)
    {
        if (Channel(name) is not { } channel)
        {
            return Pushes.Error(id, "Unknown channel. Channels: news.top, news.latest, news.trending, news.<id>, account.<id>.");
        }

        bool full;
        lock (_gate)
        {
            full = !_subscriptions.Contains(channel) && _subscriptions.Count >= options.MaxSubscriptions;
        }

        if (full)
        {
            return Pushes.Error(id, "Too many subscriptions.");
        }

        if (channel.StartsWith("account.", StringComparison.Ordinal))
        {
            return await SubscribeAccountAsync(id, channel);
        }

        if (channel == TrendingWatcher.Channel)
        {
            var trending = services.GetRequiredService<TrendingWatcher>();
            if (!services.GetRequiredService<TrendingReader>().Enabled)
            {
                return Pushes.Error(id, TrendingReader.TurnedOff);
            }

            lock (_gate)
            {
                _subscriptions.Add(channel);
            }

            var trendingRev = await trending.SubscribeAsync(outbox);
            return Pushes.Ok(id, new { channel, rev = trendingRev });
        }

        if (channel == Channels.Top)
        {
            // The snapshot is queued as a push before any diff that follows it; a repeat subscribe re-sends it (a client
            // that lost track, e.g. after an overflow notice, re-subscribes).
            lock (_gate)
            {
                _subscriptions.Add(channel);
            }

            var rev = await services.GetRequiredService<TopListWatcher>().SubscribeAsync(outbox);
            return Pushes.Ok(id, new { channel, rev });
        }

        lock (_gate)
        {
            if (_subscriptions.Add(channel))
            {
                hub.Subscribe(channel, outbox);
            }
        }

        return Pushes.Ok(id, new { channel, account = (object?)null });
    }

    private async Task<byte[]> SubscribeAccountAsync(string id, string channel)
    {
        // Read before the check: if any session ends while we check, the check is made again (see SessionSignals.Epoch).
        var epoch = _signals?.Epoch ?? 0;
        var token = _token;
        // Owner only. An unknown account and someone else's answer alike, so ids cannot be probed.
        var user = await services.AuthenticateTokenAsync(token);
        var view = user is null
            ? null
            : await Grains.GetGrain<IAccountGrain>(Guid.Parse(channel["account.".Length..])).GetView();
        if (user is null || view is null || view.Owner != user.Id)
        {
            return Pushes.Error(id, "Not allowed: only the owner follows an account.");
        }

        Grant(channel, user.Id, token!);
        if (_signals is not null && _signals.Epoch != epoch && (await services.AuthenticateTokenAsync(token))?.Id != user.Id)
        {
            Revoke(user.Id, currentToken: null, notify: false);
            return Pushes.Error(id, "Not allowed: only the owner follows an account.");
        }

        var snapshot = new { balance = view.Balance, currency = view.Currency, status = view.Status, version = view.Version };
        return Pushes.Ok(id, new { channel, account = snapshot });
    }

    private void Grant(string channel, long userId, string grantedTo)
    {
        lock (_gate)
        {
            if (_subscriptions.Add(channel))
            {
                hub.Subscribe(channel, outbox);
            }

            _granted[channel] = (userId, grantedTo);
            if (_signals is not null && !_watches.ContainsKey(userId))
            {
                _watches[userId] = _signals.Watch(userId, current => Revoke(userId, current, notify: true));
            }
        }
    }

    /// <summary>
    /// Drops the account channels of <paramref name="userId"/> granted under a token other than
    /// <paramref name="currentToken"/> (all of them when it is null): their session ended, so their pushes stop now.
    /// </summary>
    private void Revoke(long userId, string? currentToken, bool notify)
    {
        lock (_gate)
        {
            foreach (var (channel, grant) in _granted.ToList())
            {
                if (grant.UserId != userId || (currentToken is not null && SameToken(grant.Token, currentToken)))
                {
                    continue;
                }

                _granted.Remove(channel);
                _subscriptions.Remove(channel);
                hub.Unsubscribe(channel, outbox);
                if (notify)
                {
                    // The client learns why its balance pushes stopped (best effort, like every push).
                    outbox.TryPush(Pushes.Push(PushNames.Unsubscribed, channel, 0, json => json.WriteString("reason", "Session ended.")));
                }
            }

            if (!_granted.Values.Any(g => g.UserId == userId) && _watches.Remove(userId, out var watch))
            {
                watch.Dispose();
            }
        }
    }

    private static bool SameToken(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    public byte[] Unsubscribe(string id, string? name)
    {
        if (Channel(name) is not { } channel)
        {
            return Pushes.Error(id, "Unknown channel.");
        }

        lock (_gate)
        {
            _granted.Remove(channel);
            if (_subscriptions.Remove(channel))
            {
                hub.Unsubscribe(channel, outbox);
            }
        }

        return Pushes.Ok(id, new { channel });
    }

    /// <summary>Leaves every channel (the socket is closing).</summary>
    public void UnsubscribeAll()
    {
        lock (_gate)
        {
            foreach (var channel in _subscriptions)
            {
                hub.Unsubscribe(channel, outbox);
            }

            _subscriptions.Clear();
            _granted.Clear();
            foreach (var watch in _watches.Values)
            {
                watch.Dispose();
            }

            _watches.Clear();
        }
    }

    /// <summary>The canonical name of the channel asked for, or null when there is no such channel.</summary>
    private static string? Channel(string? name)
    {
        if (name is null || name.Length > 100)
        {
            return null;
        }

        if (name is Channels.Top or Channels.Latest or TrendingWatcher.Channel)
        {
            return name;
        }

        if (name.StartsWith("news.", StringComparison.Ordinal) && NewsIds.Parse(name["news.".Length..]) is { } newsId)
        {
            return Channels.News(newsId);
        }

        if (name.StartsWith("account.", StringComparison.Ordinal) && Guid.TryParse(name["account.".Length..], out var accountId))
        {
            return Channels.Account(accountId);
        }

        return null;
    }
}
