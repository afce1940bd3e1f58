using Actors.EventSourcing;
using Orleans.Concurrency;

namespace Actors.Observability;

/// <summary>
/// A stateless worker, so the probe runs on a silo near the caller and never queues behind another gateway's probes.
/// </summary>
[StatelessWorker]
internal sealed class HealthProbeGrain(IEventLog log) : Grain, IHealthProbeGrain
{
    /// <summary>A stream no aggregate uses (no category has this name): reading it touches storage and finds nothing.</summary>
    private const string ProbeStream = "health-probe";

    public async Task Probe() => await log.ReadStreamAsync(ProbeStream);
}
