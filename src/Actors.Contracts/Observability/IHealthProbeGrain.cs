namespace Actors.Observability;

/// <summary>
/// The readiness probe's way into the cluster: a call that succeeds proves the caller reaches a silo that has joined
/// the cluster, and that this silo reaches the event log.
/// </summary>
[Alias("actors.observability.IHealthProbeGrain")]
public interface IHealthProbeGrain : IGrainWithIntegerKey
{
    /// <summary>Reads from the event log; throws whatever the log throws when it cannot be read.</summary>
    [Alias("probe")]
    Task Probe();
}
