using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Actors.Observability;

public static class ObservabilityExtensions
{
    /// <summary>Orleans' activity sources: grain calls (application), runtime, lifecycle and storage.</summary>
    public static readonly string[] OrleansActivitySources =
        ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Lifecycle", "Microsoft.Orleans.Storage"];

    /// <summary>
    /// Silo side of observability: grain logs carry the correlation id, and trace context flows with grain calls when
    /// traces are exported.
    /// </summary>
    public static ISiloBuilder AddActorsObservability(this ISiloBuilder silo)
    {
        // Traces are collected only with an OTLP endpoint (see AddActorsTelemetry). Without one, Orleans' propagation
        // filters found no listener on every call and passed it on: two more filters around each grain call and
        // delivery (an up-vote makes ~5) for nothing.
        if (IsOtlpConfigured(silo.Configuration))
        {
            silo.AddActivityPropagation();
        }

        silo.Services.TryAddSingleton<StreamFlows>();
        silo.Services.TryAddSingleton<FlowReport>();
        silo.AddIncomingGrainCallFilter<ObservabilityGrainCallFilter>();
        silo.Services.TryAddSingleton<IExternalScopeProvider, CorrelationScopeProvider>();
        return silo;
    }

    /// <summary>
    /// OpenTelemetry allocates room for its cardinality limit of series (default 2,000) per instrument up front; Orleans
    /// and the runtime publish many instruments whose tags take a few values each (directions, grain types, generations),
    /// so with the default the gateway touched ~30 MB more memory at start (7,500 more page faults, measured) for nothing.
    /// Past this many tag sets an instrument reports an overflow series rather than new ones.
    /// </summary>
    private static readonly MetricStreamConfiguration SmallTagSets = new() { CardinalityLimit = 200 };

    /// <summary>
    /// OpenTelemetry for any host of this system (silo or gateway): Orleans' meter, the project's meter and the .NET
    /// runtime meter; traces of Orleans and the project when an exporter is configured; OTLP export when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard OTEL_* variables configure it further).
    /// Also makes console logs show scopes (the correlation id): JSON lines outside Development.
    /// </summary>
    public static OpenTelemetryBuilder AddActorsTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.AddActorsConsoleLogging();
        builder.Services.TryAddSingleton<IExternalScopeProvider, CorrelationScopeProvider>();

        var otlp = IsOtlpConfigured(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : serviceName,
                serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics => metrics.AddMeter("Microsoft.Orleans", ActorsMetrics.MeterName, "System.Runtime")
                .AddView(instrument => instrument.Meter.Name is "Microsoft.Orleans" or "System.Runtime" ? SmallTagSets : null));

        if (otlp)
        {
            // Traces only when something collects them: a listened-to source creates an Activity per grain call,
            // a cost not worth paying for nobody.
            telemetry.WithTracing(tracing => tracing.AddSource(OrleansActivitySources).AddSource(ActorsMetrics.MeterName));
            telemetry.WithLogging(configureBuilder: null, configureOptions: options => options.IncludeScopes = true);
            telemetry.UseOtlpExporter();
        }

        return telemetry;
    }

    /// <summary>True when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names a collector to export to.</summary>
    public static bool IsOtlpConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    private static void AddActorsConsoleLogging(this IHostApplicationBuilder builder)
    {
        // An explicit Logging:Console:FormatterName wins; otherwise people read text and machines read JSON.
        if (!string.IsNullOrEmpty(builder.Configuration["Logging:Console:FormatterName"]))
        {
            return;
        }

        if (builder.Environment.IsDevelopment())
        {
            builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
        }
        else
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        }
    }
}
