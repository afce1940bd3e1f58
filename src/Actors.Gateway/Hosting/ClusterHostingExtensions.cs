using Actors.Hosting;
using Orleans.Dashboard;

namespace Actors.Gateway.Hosting;

/// <summary>Settings of the <c>Orleans</c> configuration section.</summary>
public sealed class OrleansHostingOptions
{
    public string ClusterId { get; set; } = "actors";

    public string ServiceId { get; set; } = "actors";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;
}

public static class ClusterHostingExtensions
{
    /// <summary>
    /// The embedded default: a silo co-hosted in the gateway process, localhost clustering, everything in memory.
    /// </summary>
    public static WebApplicationBuilder AddActorsCluster(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Orleans").Get<OrleansHostingOptions>() ?? new OrleansHostingOptions();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.AddActors();
            silo.AddDashboard();
        });
        builder.Services.AddHostedService<StorageModeBanner>();
        return builder;
    }

    private sealed class StorageModeBanner(ILogger<StorageModeBanner> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogWarning(
                "Embedded mode: one co-hosted silo, and all data (event log, read models, sessions) lives in memory and is lost when the process stops. " +
                "Set ConnectionStrings__Postgres to keep it.");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
