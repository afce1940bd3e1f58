namespace Actors.Diagnostics;

/// <summary>
/// A tiny event-sourced aggregate (stream <c>probe-{key}</c>) for checking a deployment end to end: a tick is
/// appended to the event log like any domain event and delivered to <see cref="IProbeDeliveryGrain"/> through stream
/// provider "events". Used by smoke and fault tests; harmless in production.
/// </summary>
[Alias("actors.diagnostics.IProbeGrain")]
public interface IProbeGrain : IGrainWithStringKey
{
    /// <summary>Appends one tick; returns the stream version it got (acknowledged = durable in the log).</summary>
    Task<long> Tick();

    /// <summary>The number of ticks in the stream.</summary>
    Task<long> GetVersion();
}

/// <summary>
/// Consumer of the "probe" category on one delivery partition (key "0".."7"): remembers, per probe stream, the
/// highest version delivered. Idempotent: a redelivered event changes nothing.
/// </summary>
[Alias("actors.diagnostics.IProbeDeliveryGrain")]
public interface IProbeDeliveryGrain : IGrainWithStringKey
{
    /// <summary>Highest delivered version per probe stream id of this partition.</summary>
    Task<Dictionary<string, long>> GetDelivered();

    /// <summary>Makes the consumer fail on the given stream's events (to exercise parking), or stop failing (null).</summary>
    Task FailOn(string? streamId);
}

/// <summary>A probe was ticked.</summary>
[GenerateSerializer, Immutable, Alias("probe.ticked")]
public sealed record ProbeTicked([property: Id(0)] string ProbeId, [property: Id(1)] DateTimeOffset At);
