namespace Actors.EventSourcing;

/// <summary>
/// The durable event log could not be reached or did not confirm a write: nothing was acknowledged, the command may
/// be retried. Gateways answer it with 503 Service Unavailable.
/// </summary>
public sealed class EventLogUnavailableException(string message) : Exception(message);
