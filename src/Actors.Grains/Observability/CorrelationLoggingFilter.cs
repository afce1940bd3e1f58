using System.Collections;
using Microsoft.Extensions.Logging;

namespace Actors.Observability;

/// <summary>
/// Opens a logging scope with the request's correlation id (carried by Orleans' <see cref="RequestContext"/>) around
/// every grain call and stream delivery, so whatever a grain or projection logs names the request that caused it.
/// The HTTP request's own scope does not reach grains: Orleans runs grain turns on its own scheduler.
/// </summary>
internal sealed class CorrelationLoggingFilter(ILoggerFactory loggers) : IIncomingGrainCallFilter
{
    private readonly ILogger _logger = loggers.CreateLogger("Actors.Grains");

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (RequestContext.Get(RequestContextKeys.CorrelationId) is not string id)
        {
            await context.Invoke();
            return;
        }

        using (_logger.BeginScope(new CorrelationScope(id)))
        {
            await context.Invoke();
        }
    }

    /// <summary>The scope state: one named value, formatted like the gateway's scope so logs read the same on both sides.</summary>
    private sealed class CorrelationScope(string id) : IReadOnlyList<KeyValuePair<string, object>>
    {
        public int Count => 1;

        public KeyValuePair<string, object> this[int index] =>
            index == 0 ? new("CorrelationId", id) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
        {
            yield return this[0];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"CorrelationId:{id}";
    }
}
