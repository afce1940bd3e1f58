using Actors.Accounts;
using Actors.Gateway.News;
using Actors.Gateway.Users;

namespace Actors.Gateway.Realtime;

/// <summary>
/// What the <c>/ws</c> commands of one socket act on: who is signed in (its token) and which channels it follows.
/// Owned by its <see cref="RealtimeConnection"/>, used from its receive loop only (one message at a time).
/// </summary>
internal sealed class WsSession(IServiceProvider services, RealtimeHub hub, Outbox outbox, RealtimeOptions options, string? token)
{
    private readonly HashSet<string> _subscriptions = new(StringComparer.Ordinal);
    private string? _token = token;

    public IGrainFactory Grains { get; } = services.GetRequiredService<IGrainFactory>();

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
            return Pushes.Error(id, "Unknown channel. Channels: news.top, news.latest, news.<id>, account.<id>.");
        }

        if (!_subscriptions.Contains(channel) && _subscriptions.Count >= options.MaxSubscriptions)
        {
            return Pushes.Error(id, "Too many subscriptions.");
        }

        object? snapshot = null;
        if (channel.StartsWith("account.", StringComparison.Ordinal))
        {
            // Owner only. An unknown account and someone else's answer alike, so ids cannot be probed.
            var user = await UserAsync();
            var view = user is null
                ? null
                : await Grains.GetGrain<IAccountGrain>(Guid.Parse(channel["account.".Length..])).GetView();
            if (user is null || view is null || view.Owner != user.Id)
            {
                return Pushes.Error(id, "Not allowed: only the owner follows an account.");
            }

            snapshot = new { balance = view.Balance, currency = view.Currency, status = view.Status, version = view.Version };
        }

        if (channel == Channels.Top)
        {
            // The snapshot is queued as a push before any diff that follows it; a repeat subscribe re-sends it (a client
            // that lost track, e.g. after an overflow notice, re-subscribes).
            _subscriptions.Add(channel);
            var rev = await services.GetRequiredService<TopListWatcher>().SubscribeAsync(outbox);
            return Pushes.Ok(id, new { channel, rev });
        }

        if (_subscriptions.Add(channel))
        {
            hub.Subscribe(channel, outbox);
        }

        return Pushes.Ok(id, new { channel, account = snapshot });
    }

    public byte[] Unsubscribe(string id, string? name)
    {
        if (Channel(name) is not { } channel)
        {
            return Pushes.Error(id, "Unknown channel.");
        }

        if (_subscriptions.Remove(channel))
        {
            hub.Unsubscribe(channel, outbox);
        }

        return Pushes.Ok(id, new { channel });
    }

    /// <summary>Leaves every channel (the socket is closing).</summary>
    public void UnsubscribeAll()
    {
        foreach (var channel in _subscriptions)
        {
            hub.Unsubscribe(channel, outbox);
        }

        _subscriptions.Clear();
    }

    /// <summary>The canonical name of the channel asked for, or null when there is no such channel.</summary>
    private static string? Channel(string? name)
    {
        if (name is null || name.Length > 100)
        {
            return null;
        }

        if (name is Channels.Top or Channels.Latest)
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
