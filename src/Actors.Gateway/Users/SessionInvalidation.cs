using System.Globalization;
using Actors.EventSourcing;
using Actors.Gateway.Hosting;
using Actors.Observability;
using Actors.Users;
using Orleans.Streams;

namespace Actors.Gateway.Users;

/// <summary>
/// Keeps the gateway's session cache (<see cref="AuthTokenCache"/>) honest across gateways: follows the users events of
/// every partition and forgets a user's cached sessions when the user's token is rotated (logout, a used reset link)
/// or the credentials change, and raises <see cref="SessionSignals"/> for the sockets. The gateway that handles a logout
/// forgets at once; this covers every other one.
/// </summary>
internal sealed class SessionInvalidation(
    IClusterClient client, AuthTokenCache cache, SessionSignals signals, StreamFlows flows, ILogger<SessionInvalidation> logger) : IHostedService
{
    /// <summary>Its name on the flow page (<c>/admin/flows</c>).</summary>
    public const string FlowName = "session-cache";

    // Only these are delivered here (the silos' stream filter): a user's other events, the karma of every vote among
    // them, never reach the gateway for this.
    private static readonly Type[] FollowedTypes =
        [typeof(UserAuthTokenRotated), typeof(UserPasswordChanged), typeof(UserCredentialsIssued), typeof(UserSessionsEnded)];

    private static readonly string Followed = EventTypeFilter.Only(FollowedTypes);

    private readonly List<StreamSubscriptionHandle<RecordedEvent>> _handles = [];
    private Task _subscribing = Task.CompletedTask;

    /// <summary>
    /// Subscribes in the background, so the gateway's start does not wait for it (a client-mode gateway's subscriptions
    /// are calls to the cluster); the cache answers sessions from memory only once the events are followed.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscribing = Task.Run(SubscribeAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task SubscribeAsync()
    {
        try
        {
            flows.Register(new FlowConsumer(FlowName, "session cache (this gateway)", [UserStreams.Category],
                new HashSet<string>(FollowedTypes.Select(EventTypes.NameOf), StringComparer.Ordinal)));
            var provider = client.GetStreamProvider(EventStreams.ProviderName);
            for (var partition = 0; partition < EventStreams.Partitions; partition++)
            {
                var stream = provider.GetStream<RecordedEvent>(
                    StreamId.Create(UserStreams.Category, partition.ToString(CultureInfo.InvariantCulture)));
                var handle = await stream.SubscribeAsync(new Observer(this), token: null, filterData: Followed);
                lock (_handles)
                {
                    _handles.Add(handle);
                }
            }

            cache.EnableSessions();
        }
        catch (Exception e)
        {
            // Without the events a session from memory would outlive a logout on another gateway: memory stays unused.
            logger.LogError(e, "Sessions: could not follow the users events; every request asks the user grain");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        cache.DisableSessions();
        await _subscribing.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        StreamSubscriptionHandle<RecordedEvent>[] handles;
        lock (_handles)
        {
            handles = [.. _handles];
            _handles.Clear();
        }

        await StreamHandles.UnsubscribeAllAsync(handles, logger, "Sessions");
    }

    internal Task OnNextAsync(RecordedEvent recorded, StreamSequenceToken? token)
    {
        flows.Applied(FlowName, [recorded]);
        var forgotten = recorded.Data switch
        {
            UserAuthTokenRotated e => e.UserId,
            UserPasswordChanged e => e.UserId,
            UserCredentialsIssued e => e.UserId,
            UserSessionsEnded e => e.UserId,
            _ => (long?)null,
        };
        if (forgotten is { } userId)
        {
            cache.ForgetUser(userId);
        }

        // The sockets of this gateway drop what only a current session may follow (account.<id> channels).
        switch (recorded.Data)
        {
            case UserSessionsEnded e:
                signals.SessionsEnded(e.UserId, e.AuthToken);
                break;
            case UserAuthTokenRotated e:
                signals.SessionsEnded(e.UserId, e.AuthToken);
                break;
        }

        return Task.CompletedTask;
    }

    /// <summary>The subscription's observer: Orleans' delegate overloads take no filter data.</summary>
    private sealed class Observer(SessionInvalidation owner) : IAsyncObserver<RecordedEvent>
    {
        public Task OnNextAsync(RecordedEvent item, StreamSequenceToken? token = null) => owner.OnNextAsync(item, token);

        public Task OnCompletedAsync() => Task.CompletedTask;

        public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
    }
}
