using Actors.Hosting;
using Actors.Observability;
using Orleans.Dashboard;

namespace Actors.Gateway.Hosting;

public static class ClusterHostingExtensions
{
    /// <summary>
    /// The gateway's place in the cluster, from the <c>Orleans</c> section: by default a co-hosted silo (in memory,
    /// or in PostgreSQL when <c>ConnectionStrings:Postgres</c> is set); with <c>Orleans:Mode=client</c>, an Orleans
    /// client of a silo cluster found through PostgreSQL membership.
    /// </summary>
    public static WebApplicationBuilder AddActorsCluster(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(OrleansHostingOptions.Section).Get<OrleansHostingOptions>() ?? new OrleansHostingOptions();
        var postgres = builder.Configuration.PostgresConnectionString();
        builder.Services.BindOrleansTuning(builder.Configuration);
        builder.Services.AddActorsExceptionSerialization();
        if (string.Equals(options.Mode, "client", StringComparison.OrdinalIgnoreCase))
        {
            var connectionString = postgres ?? throw new InvalidOperationException(
                "Orleans:Mode=client finds the silos through PostgreSQL membership: set ConnectionStrings:Postgres (ConnectionStrings__Postgres).");
            builder.UseOrleansClient(client =>
            {
                client.UseActorsPostgresClustering(connectionString, options);
                // The silos' log-fed streams, subscribable from here (WebSocket pushes).
                client.AddActorsPostgresStreams();
                client.UseConnectionRetryFilter<RetryWhileClusterStarts>();
                // The dashboard's data comes from the silos (they add it too); the gateway serves its pages.
                if (ObservabilityExtensions.IsOtlpConfigured(builder.Configuration))
                {
                    client.AddActivityPropagation();
                }

                client.AddDashboard();
            });
            return builder;
        }

        builder.UseOrleans(silo =>
        {
            silo.UseActorsClustering(builder.Configuration, options);
            silo.AddActors();
            silo.AddDashboard();
        });
        if (postgres is null)
        {
            builder.Services.AddHostedService<StorageModeBanner>();
        }

        return builder;
    }

    /// <summary>The gateway may start before the silos: keep trying to connect for a couple of minutes.</summary>
    private sealed class RetryWhileClusterStarts(ILogger<RetryWhileClusterStarts> logger) : IClientConnectionRetryFilter
    {
        private int _attempts;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (++_attempts > 120)
            {
                return false;
            }

            logger.LogWarning("No silo reachable yet (attempt {Attempt}): {Error}", _attempts, exception.Message);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        }
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
