using System.Collections;
using Microsoft.Extensions.Logging;

namespace Actors.Observability;

/// <summary>
/// The log scopes of a process, led by the correlation id of the request being handled, which is read from Orleans'
/// <see cref="RequestContext"/> when a line is written. The gateway's request handling and every grain turn made for a
/// request carry the id there anyway (Orleans passes it with each call), so whatever the gateway or a grain logs names
/// the request that caused it, and nothing is done per request or per call until something is logged. (A scope opened
/// around every request and every grain call cost an allocation and two execution-context changes each: an up-vote
/// made four.)
/// </summary>
/// <remarks>
/// Registered as the logger factory's <see cref="IExternalScopeProvider"/>, so every logger provider that shows scopes
/// (the console's, OpenTelemetry's) sees it. It takes the place of the factory's own provider, which would also add
/// the current activity's ids if <c>LoggerFactoryOptions.ActivityTrackingOptions</c> were set (nothing here sets them).
/// </remarks>
public sealed class CorrelationScopeProvider : IExternalScopeProvider
{
    private readonly LoggerExternalScopeProvider _scopes = new();

    public IDisposable Push(object? state) => _scopes.Push(state);

    public void ForEachScope<TState>(Action<object?, TState> callback, TState state)
    {
        if (RequestContext.Get(RequestContextKeys.CorrelationId) is string id)
        {
            callback(new CorrelationScope(id), state);
        }

        _scopes.ForEachScope(callback, state);
    }

    /// <summary>The scope state: one named value, read like any structured scope.</summary>
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
