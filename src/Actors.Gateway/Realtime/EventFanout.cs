using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Actors.Accounts;
using Actors.EventSourcing;
using Actors.Gateway.Hosting;
using Actors.News;
using Actors.Observability;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace Actors.Gateway.Realtime;

/// <summary>
/// The gateway's one subscription to the domain events: every partition of the <c>news</c> and <c>accounts</c>
/// namespaces of the Orleans stream provider "events", once per process (not per socket), turned into pushes on
/// channels and fanned out in memory by <see cref="RealtimeHub"/>. Top-list changes go through <see cref="TopListWatcher"/>,
/// which asks the ranking read model.
/// </summary>
internal sealed class EventFanout(
    IClusterClient client,
    RealtimeHub hub,
    TopListWatcher top,
    TrendingWatcher trending,
    StreamFlows flows,
    ILogger<EventFanout> logger) : IHostedService
{
    /// <summary>Its name on the flow page (<c>/admin/flows</c>).</summary>
    public const string FlowName = "ws-fanout";

    /// <summary>The namespaces followed.</summary>
    public static readonly string[] Categories = [NewsStreams.Category, "accounts"];

    private const int MaxRemembered = 200_000;

    private readonly List<StreamSubscriptionHandle<RecordedEvent>> _handles = [];

    // Delivery is at-least-once: the last version pushed per log stream, so a repeat is not pushed twice. Bounded; when
    // it forgets, a rare repeat can get through, and clients skip pushes at or below a position they already have.
    private readonly ConcurrentDictionary<string, long> _lastVersions = new(StringComparer.Ordinal);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // All partitions at once: each subscription is a round trip to its own pub-sub grain (an activation at
            // start), and the host's start waits for them.
            flows.Register(new FlowConsumer(FlowName, "WebSocket fan-out (this gateway)", Categories));
            var provider = client.GetStreamProvider(EventStreams.ProviderName);
            await Task.WhenAll(Categories.SelectMany(category => Enumerable.Range(0, EventStreams.Partitions).Select(
                partition => SubscribeAsync(provider, category, partition))));
        }
        catch (Exception e)
        {
            // The site still serves pages and commands; only live updates are missing. Loud, not fatal.
            logger.LogError(e, "Realtime: could not subscribe to the event streams; WebSocket clients get no pushes");
        }
    }

    private async Task SubscribeAsync(IStreamProvider provider, string category, int partition)
    {
        var stream = provider.GetStream<RecordedEvent>(StreamId.Create(category, partition.ToString(CultureInfo.InvariantCulture)));
        var handle = await stream.SubscribeAsync(OnNextAsync);
        lock (_handles)
        {
            _handles.Add(handle);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        StreamSubscriptionHandle<RecordedEvent>[] handles;
        lock (_handles)
        {
            // A host can be stopped more than once (a test host's Dispose after StopAsync): take the handles once.
            handles = [.. _handles];
            _handles.Clear();
        }

        await StreamHandles.UnsubscribeAllAsync(handles, logger, "Realtime");
    }

    internal Task OnNextAsync(RecordedEvent recorded, StreamSequenceToken? token)
    {
        flows.Applied(FlowName, [recorded]);

        // Nobody follows anything (no socket, or none subscribed): every event (each up-vote's among them) would only be
        // remembered for the duplicate check, then pushed to nobody. Not remembering it can let one repeat of it through
        // to a later subscriber, which clients skip by position like any other repeat.
        return hub.IsIdle ? Task.CompletedTask : PushAsync(recorded);
    }

    private async Task PushAsync(RecordedEvent recorded)
    {
        try
        {
            if (!IsNew(recorded))
            {
                return;
            }

            switch (recorded.Data)
            {
                case INewsEvent news:
                    PublishNews(recorded, news);
                    top.Notify(recorded);
                    trending.Notify(recorded);
                    break;
                case IAccountEvent account:
                    await PublishAccountAsync(recorded, account);
                    break;
            }
        }
        catch (Exception e)
        {
            // Never fail the stream: a failing consumer would be retried and then skipped by the provider.
            logger.LogWarning(e, "Realtime: could not push event {Stream}/{Version}", recorded.StreamId, recorded.Version);
        }
    }

    private bool IsNew(RecordedEvent recorded)
    {
        if (_lastVersions.Count > MaxRemembered)
        {
            _lastVersions.Clear();
        }

        while (true)
        {
            if (!_lastVersions.TryGetValue(recorded.StreamId, out var last))
            {
                if (_lastVersions.TryAdd(recorded.StreamId, recorded.Version))
                {
                    return true;
                }

                continue;
            }

            if (recorded.Version <= last)
            {
                return false;
            }

            if (_lastVersions.TryUpdate(recorded.StreamId, recorded.Version, last))
            {
                return true;
            }
        }
    }

    private void PublishNews(RecordedEvent recorded, INewsEvent e)
    {
        var channel = Channels.News(e.NewsId);
        var toLatest = e is NewsSubmitted or NewsEdited or NewsDeleted;
        if (!hub.HasSubscribers(channel) && !(toLatest && hub.HasSubscribers(Channels.Latest)))
        {
            return;
        }

        var data = NewsPayload(e);
        hub.Publish(channel, Pushes.Push(recorded.Type, channel, recorded.Position, data));
        if (toLatest)
        {
            hub.Publish(Channels.Latest, Pushes.Push(recorded.Type, Channels.Latest, recorded.Position, data));
        }
    }

    /// <summary>
    /// What a news event shows to anyone: ids, texts, names and times; never who voted (votes are private in Lamernews).
    /// Times are Unix seconds, like the rest of the API.
    /// </summary>
    private static Action<Utf8JsonWriter> NewsPayload(INewsEvent e) => json =>
    {
        json.WriteNumber("news_id", e.NewsId);
        switch (e)
        {
            case NewsSubmitted s:
                json.WriteString("title", s.Title);
                json.WriteString("url", s.Url);
                json.WriteString("username", s.Username);
                json.WriteNumber("ctime", s.At.ToUnixTimeSeconds());
                break;
            case NewsEdited s:
                json.WriteString("title", s.Title);
                json.WriteString("url", s.Url);
                break;
            case CommentPosted c:
                json.WriteNumber("comment_id", c.CommentId);
                json.WriteNumber("parent_id", c.ParentId);
                json.WriteString("username", c.Username);
                json.WriteString("body", c.Body);
                json.WriteNumber("ctime", c.At.ToUnixTimeSeconds());
                break;
            case CommentEdited c:
                json.WriteNumber("comment_id", c.CommentId);
                json.WriteString("body", c.Body);
                break;
            case CommentDeleted c:
                json.WriteNumber("comment_id", c.CommentId);
                break;
            case CommentUpvoted c:
                json.WriteNumber("comment_id", c.CommentId);
                break;
            case CommentDownvoted c:
                json.WriteNumber("comment_id", c.CommentId);
                break;
        }
    };

    private async Task PublishAccountAsync(RecordedEvent recorded, IAccountEvent e)
    {
        var channel = Channels.Account(e.AccountId);
        if (!hub.HasSubscribers(channel))
        {
            return;
        }

        // The owner sees the event and the balance right after it (the account answers for any version of itself).
        var view = await client.GetGrain<IAccountGrain>(e.AccountId).GetViewAsOfVersion(recorded.Version);
        var message = Pushes.Push(recorded.Type, channel, recorded.Position, json =>
        {
            json.WritePropertyName("event");
            JsonSerializer.Serialize(json, recorded.Data, recorded.Data.GetType(), Pushes.Json);
            json.WriteNumber("version", recorded.Version);
            if (view is not null)
            {
                json.WriteNumber("balance", view.Balance);
                json.WriteString("currency", view.Currency);
                json.WriteString("status", view.Status);
            }
        });
        hub.Publish(channel, message);
    }
}

/// <summary>Channel names of the protocol.</summary>
internal static class Channels
{
    public const string Top = "news.top";
    public const string Latest = "news.latest";

    public static string News(long id) => string.Create(CultureInfo.InvariantCulture, $"news.{id}");

    public static string Account(Guid id) => $"account.{id:D}";
}
