using Actors.Observability;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Actors.Gateway.Hosting;

public static class GatewayObservabilityExtensions
{
    /// <summary>
    /// Metrics (Prometheus scrape at <c>/metrics</c>, OTLP when configured), traces when an OTLP endpoint is set,
    /// console logs with scopes, and the health checks behind <c>/health/ready</c>.
    /// </summary>
    public static WebApplicationBuilder AddActorsObservability(this WebApplicationBuilder builder)
    {
        var telemetry = builder.AddActorsTelemetry("actors-gateway")
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter());
        if (ObservabilityExtensions.IsOtlpConfigured(builder.Configuration))
        {
            telemetry.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation(o =>
                o.Filter = context => !IsOperationsPath(context.Request.Path)));
        }

        builder.Services.AddHealthChecks()
            .AddCheck<ClusterReadinessCheck>("cluster", tags: [HealthTags.Ready]);

        builder.Services.AddOptions<DashboardAccessOptions>().BindConfiguration(DashboardAccessOptions.Section);
        builder.Services.AddOptions<MetricsAccessOptions>().BindConfiguration(MetricsAccessOptions.Section);
        return builder;
    }

    /// <summary>Maps the guarded <c>/metrics</c>, <c>/health/live</c>, <c>/health/ready</c> and the guarded <c>/dashboard</c>.</summary>
    public static WebApplication MapActorsOperations(this WebApplication app)
    {
        app.MapGuardedMetrics("/metrics"); // loopback, Metrics__Token, or Metrics__Open
        string[] reads = [HttpMethods.Get, HttpMethods.Head];
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false, ResponseWriter = HealthResponses.WriteAsync })
            .WithMetadata(new HttpMethodMetadata(reads));
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(HealthTags.Ready), ResponseWriter = HealthResponses.WriteAsync })
            .WithMetadata(new HttpMethodMetadata(reads));
        app.MapActorsDashboard("/dashboard");
        return app;
    }

    internal static bool IsOperationsPath(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health") || path.StartsWithSegments("/dashboard");
}
