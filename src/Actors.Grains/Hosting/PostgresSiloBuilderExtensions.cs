using System.Net;
using Actors.EventSourcing;
using Actors.News;
using Actors.Postgres;
using Actors.Postgres.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace Actors.Hosting;

/// <summary>PostgreSQL mode: everything durable (event log, grain storage, reminders, membership) in one database.</summary>
public static class PostgresSiloBuilderExtensions
{
    /// <summary>ADO.NET invariant of Npgsql, as the Orleans providers name it.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>The <c>ConnectionStrings:Postgres</c> setting (<c>ConnectionStrings__Postgres</c>), or null in the embedded mode.</summary>
    public static string? PostgresConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString("Postgres") is { Length: > 0 } connectionString ? connectionString : null;

    /// <summary>
    /// The durable half of <see cref="ActorsSiloBuilderExtensions.AddActors"/>: the event log in PostgreSQL, grain
    /// storage (default and PubSubStore) and reminders through the Orleans ADO.NET providers, and stream provider
    /// "events" fed by reading the log (grains do not publish). The schema (deploy/sql) is applied at start-up.
    /// </summary>
    public static ISiloBuilder AddActorsPostgres(this ISiloBuilder silo, string connectionString)
    {
        silo.Services.TryAddSingleton(_ => BuildDataSource(connectionString));
        silo.Services.AddOptions<PostgresEventLogOptions>().Bind(silo.Configuration.GetSection(PostgresEventLogOptions.Section));
        silo.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<PostgresEventLogOptions>>().Value);
        silo.Services.AddSingleton<PostgresEventLog>();
        silo.Services.AddSingleton<IEventLog>(sp => sp.GetRequiredService<PostgresEventLog>());
        silo.Services.AddSingleton<DeliveryCheckpoints>();
        silo.Services.AddSingleton<ISnapshotStore, PostgresSnapshotStore>();
        silo.Services.AddSingleton<ParkedEvents>();
        silo.Services.AddSingleton<IParkedEventStore>(sp => sp.GetRequiredService<ParkedEvents>());
        silo.Services.Configure<EventDeliveryOptions>(o => o.PublishAfterAppend = false);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaMigration>();
        // Pending transfers are found in the log and woken (instead of a reminder write per transfer).
        silo.Services.AddOptions<TransferRecoveryOptions>();
        silo.Services.AddSingleton<TransferRecovery>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<TransferRecovery>());
        // Which log positions concern which user, so a user's lists rebuild from that user's events; kept by the news
        // activity consumer, backfilled at start-up on a log written before it (memory mode has none: nothing rebuilds).
        silo.Services.AddSingleton<PostgresUserActivityIndex>();
        silo.Services.AddSingleton<IUserActivityIndex>(sp => sp.GetRequiredService<PostgresUserActivityIndex>());
        silo.Services.AddSingleton<UserActivityIndexBackfill>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<UserActivityIndexBackfill>());

        var providers = WithPoolDefaults(connectionString);
        silo.AddAdoNetGrainStorageAsDefault(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = providers;
        });
        silo.AddAdoNetGrainStorage("PubSubStore", o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = providers;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = providers;
        });
        silo.AddStreamFilter<EventTypeFilter>(EventStreams.ProviderName);
        silo.AddPersistentStreams(EventStreams.ProviderName, LogQueueAdapterFactory.Create, streams =>
        {
            streams.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                // Each queue polls the log; 20 ms bounds the append-to-projection delay at a few queries/s per queue.
                o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(20);
                // How long a failing consumer is retried on one event before it is parked and the stream goes on.
                o.MaxEventDeliveryTime = TimeSpan.FromSeconds(20);
            }));
        });

        return silo;
    }

    /// <summary>
    /// The silo's data source for the event log, snapshots, checkpoints and parked events: the pool defaults of
    /// <see cref="WithPoolDefaults"/> (the log's appends and partition and stream reads prepared once per connection),
    /// and idle connections beyond the need closed after 30 s.
    /// </summary>
    internal static NpgsqlDataSource BuildDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(WithPoolDefaults(connectionString)) { Name = "actors" };
        // After a burst the pool holds dozens of idle connections and hands them out in turn, so every statement lands
        // on a server process whose caches and plans are cold; close the surplus after 30 s idle instead of 300 s.
        if (!Mentions(connectionString, "Connection Idle Lifetime", "ConnectionIdleLifetime"))
        {
            builder.ConnectionStringBuilder.ConnectionIdleLifetime = 30;
        }

        return builder.Build();
    }

    /// <summary>
    /// The connection string of every pool of the silo's: the event log's data source (<see cref="BuildDataSource"/>) and
    /// the Orleans ADO.NET providers (grain storage, reminders, membership), which open their own connections. Unless the
    /// connection string says otherwise, pooled connections are not reset on return and the statements run all the
    /// time are prepared once per connection. The reset (<c>DISCARD ALL</c>; three per durable submission through the
    /// providers) also threw away the server's cached plans, so every call of the storage's write function planned its
    /// statements again. Nothing here sets session state, and the statements are few and fixed.
    /// </summary>
    public static string WithPoolDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Mentions(connectionString, "No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (!Mentions(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 32;
        }

        return builder.ConnectionString;
    }

    private static bool Mentions(string connectionString, params string[] keywords)
    {
        var parts = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return keywords.Any(parts.ContainsKey);
    }

    /// <summary>
    /// Membership in PostgreSQL (the <c>Orleans</c> section's ClusterId, ServiceId and ports), so silo processes
    /// on any machines that share the database form one cluster.
    /// </summary>
    public static ISiloBuilder UseActorsPostgresClustering(this ISiloBuilder silo, string connectionString, OrleansHostingOptions options)
    {
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = WithPoolDefaults(connectionString);
        });
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        if (options.UseLoopback || options.AdvertisedIp is { Length: > 0 })
        {
            var address = options.UseLoopback ? IPAddress.Loopback : IPAddress.Parse(options.AdvertisedIp!);
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = address;
                o.SiloPort = options.SiloPort;
                o.GatewayPort = options.GatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(options.UseLoopback ? IPAddress.Loopback : IPAddress.Any, options.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(options.UseLoopback ? IPAddress.Loopback : IPAddress.Any, options.GatewayPort);
            });
        }
        else
        {
            silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
        }

        return silo;
    }

    /// <summary>Membership of an Orleans client (the gateway in client mode) in PostgreSQL.</summary>
    public static IClientBuilder UseActorsPostgresClustering(this IClientBuilder client, string connectionString, OrleansHostingOptions options)
    {
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = WithPoolDefaults(connectionString);
        });
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        return client;
    }

    /// <summary>
    /// Stream provider "events" in an Orleans client of a PostgreSQL-mode cluster (the gateway in client mode), so the
    /// client can subscribe to the log-fed streams like a co-hosted silo does; the silos deliver to it.
    /// </summary>
    public static IClientBuilder AddActorsPostgresStreams(this IClientBuilder client)
    {
        client.AddPersistentStreams(EventStreams.ProviderName, LogQueueAdapterFactory.CreateForClient, _ => { });
        return client;
    }

    /// <summary>
    /// Applies deploy/sql before anything else in the silo starts (membership reads its queries at runtime
    /// initialization). Waits for PostgreSQL up to a minute, so a cluster and its database may start together.
    /// </summary>
    private sealed class SchemaMigration(NpgsqlDataSource dataSource, ILogger<SchemaMigration> logger) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(SchemaMigration), ServiceLifecycleStage.First, ApplyAsync);

        private async Task ApplyAsync(CancellationToken cancellationToken)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await PostgresSchema.ApplyAsync(dataSource, cancellationToken);
                    logger.LogInformation("PostgreSQL schema applied ({Scripts})", string.Join(", ", PostgresSchema.Scripts.Select(s => s.Name)));
                    return;
                }
                catch (NpgsqlException e) when (DateTime.UtcNow < deadline && e is not PostgresException { IsTransient: false })
                {
                    logger.LogWarning("PostgreSQL not reachable yet (attempt {Attempt}): {Error}", attempt, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken);
                }
            }
        }
    }
}
