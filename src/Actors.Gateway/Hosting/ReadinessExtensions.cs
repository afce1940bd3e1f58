using Actors.Diagnostics;

namespace Actors.Gateway.Hosting;

public static class ReadinessExtensions
{
    /// <summary>
    /// <c>GET /health/ready</c>: 200 when a grain call reaches the cluster (and, on first use, its event log),
    /// 503 with the reason otherwise, within 5 seconds. For load balancers and Kubernetes readiness probes.
    /// </summary>
    public static IEndpointRouteBuilder MapReadiness(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/ready", async (IClusterClient cluster, CancellationToken cancellationToken) =>
        {
            try
            {
                await cluster.GetGrain<IProbeGrain>("ready").GetVersion().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                return Results.Ok(new { status = "ready" });
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return Results.Problem(title: "The cluster is not reachable.", detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return app;
    }
}
