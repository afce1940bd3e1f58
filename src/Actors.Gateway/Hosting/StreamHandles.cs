using Orleans.Streams;

namespace Actors.Gateway.Hosting;

internal static class StreamHandles
{
    /// <summary>
    /// Unsubscribes every handle at shutdown. A failure is only logged: the silo may be stopping already, and one
    /// failed unsubscribe must not keep the others subscribed.
    /// </summary>
    public static async Task UnsubscribeAllAsync<T>(IEnumerable<StreamSubscriptionHandle<T>> handles, ILogger logger, string owner)
    {
        foreach (var handle in handles)
        {
            try
            {
                await handle.UnsubscribeAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "{Owner}: unsubscribe failed during shutdown", owner);
            }
        }
    }
}
