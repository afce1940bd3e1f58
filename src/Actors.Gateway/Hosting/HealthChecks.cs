using System.Text.Json;
using Actors.Observability;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Actors.Gateway.Hosting;

/// <summary>
/// Ready = a grain call reaches a silo that has joined the cluster, and that silo reads the event log.
/// A silo still starting, a client without a gateway, or a log that throws or hangs makes the gateway not ready.
/// </summary>
internal sealed class ClusterReadinessCheck(IServiceProvider services, ServicesStartup? startup = null) : IHealthCheck
{
    /// <summary>Past this a probe counts as failed: a load balancer would rather try another instance.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // While the silo is still starting (see BackgroundStartExtensions), say so at once rather than call it; the grain
        // factory is resolved only after that, so a probe never builds silo services while the start is building them.
        if (startup is { IsStarted: false })
        {
            return startup.Started.IsFaulted
                ? HealthCheckResult.Unhealthy("The cluster failed to start.", startup.Started.Exception)
                : HealthCheckResult.Unhealthy("The cluster is starting.");
        }

        try
        {
            await services.GetRequiredService<IGrainFactory>().GetGrain<IHealthProbeGrain>(0).Probe().WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy("The cluster answers and the event log is readable.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The cluster or its event log did not answer: {e.GetType().Name}: {e.Message}", e);
        }
    }
}

/// <summary>A small JSON body for the probes: overall status, and each check's status and description.</summary>
internal static class HealthResponses
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, durationMs = e.Value.Duration.TotalMilliseconds }),
        }, cancellationToken: context.RequestAborted);
    }
}
