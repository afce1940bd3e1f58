using Actors.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Actors.Tests.Infrastructure;

/// <summary>An in-process silo in PostgreSQL mode (event log, storage, reminders, log-fed streams) on a throwaway server.</summary>
public class PostgresClusterFixture : IAsyncLifetime
{
    /// <summary>Settings of the silo beyond the defaults below (a derived fixture's own).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public ThrowawayPostgres Server { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;

    public async Task InitializeAsync()
    {
        Server = await ThrowawayPostgres.StartAsync();
        ConnectionString = await Server.CreateDatabaseAsync("cluster");
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = ConnectionString,
                ["News:ListsCheckpointSeconds"] = "1", // the news lists' checkpoint every second instead of every minute
            }.Concat(Settings)));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddActors();
            // A consumer that keeps failing is parked after 2 s here instead of 20 s.
            silo.Services.PostConfigure<StreamPullingAgentOptions>(Actors.EventSourcing.EventStreams.ProviderName, o => o.MaxEventDeliveryTime = TimeSpan.FromSeconds(2));
            // Pending transfers are woken after half a second here instead of 5 s.
            silo.Services.Configure<Actors.Postgres.TransferRecoveryOptions>(o =>
            {
                o.Grace = TimeSpan.FromMilliseconds(500);
                o.ScanPeriod = TimeSpan.FromMilliseconds(500);
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresClusterCollection : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = "postgres-cluster";
}
