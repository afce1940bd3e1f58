using System.Globalization;
using Actors.EventSourcing;
using Actors.Users;
using Orleans.Streams;

namespace Actors.Gateway.Users;

/// <summary>
/// Keeps the gateway's session cache (<see cref="AuthTokenCache"/>) honest across gateways: follows the users events of
/// every partition and forgets a user's cached sessions when the user's token is rotated (logout, a used reset link)
/// or the credentials change. The gateway that handles a logout forgets at once; this covers every other one.
/// </summary>
internal sealed class SessionInvalidation(IClusterClient client, AuthTokenCache cache, ILogger<SessionInvalidation> logger) : IHostedService
{
    private readonly List<StreamSubscriptionHandle<RecordedEvent>> _handles = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var provider = client.GetStreamProvider(EventStreams.ProviderName);
            for (var partition = 0; partition < EventStreams.Partitions; partition++)
            {
                var stream = provider.GetStream<RecordedEvent>(
                    StreamId.Create(UserStreams.Category, partition.ToString(CultureInfo.InvariantCulture)));
                var handle = await stream.SubscribeAsync(OnNextAsync);
                lock (_handles)
                {
                    _handles.Add(handle);
                }
            }
        }
        catch (Exception e)
        {
            // Without the events a session from memory would outlive a logout on another gateway: stop using memory.
            cache.DisableSessions();
            logger.LogError(e, "Sessions: could not follow the users events; every request asks the user grain");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        StreamSubscriptionHandle<RecordedEvent>[] handles;
        lock (_handles)
        {
            handles = [.. _handles];
            _handles.Clear();
        }

        foreach (var handle in handles)
        {
            try
            {
                await handle.UnsubscribeAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Sessions: unsubscribe failed during shutdown");
            }
        }
    }

    internal Task OnNextAsync(RecordedEvent recorded, StreamSequenceToken? token)
    {
        switch (recorded.Data)
        {
            case UserAuthTokenRotated e:
                cache.ForgetUser(e.UserId);
                break;
            case UserPasswordChanged e:
                cache.ForgetUser(e.UserId);
                break;
            case UserCredentialsIssued e:
                cache.ForgetUser(e.UserId);
                break;
        }

        return Task.CompletedTask;
    }
}
