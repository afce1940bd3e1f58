using Actors.EventSourcing;
using Actors.News;
using Actors.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace Actors.Hosting;

public static class ActorsSiloBuilderExtensions
{
    /// <summary>
    /// Everything a silo of this system needs: the event log, grain storage, reminders and the stream provider that
    /// delivers domain events to projections. In memory (the embedded default), or in PostgreSQL when the
    /// <c>ConnectionStrings:Postgres</c> setting is present.
    /// </summary>
    public static ISiloBuilder AddActors(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddKeyedSingleton<TimeProvider>(DomainClock.Key, (services, _) => services.GetRequiredService<TimeProvider>());
        silo.Services.AddOptions<EventDeliveryOptions>();
        silo.Services.AddOptions<Actors.Accounts.TransferOptions>().Bind(silo.Configuration.GetSection(Actors.Accounts.TransferOptions.Section));
        silo.Services.AddActorsExceptionSerialization();
        silo.BoundDirectoryCache();
        if (silo.Configuration.PostgresConnectionString() is { } postgres)
        {
            silo.AddActorsPostgres(postgres);
        }
        else
        {
            silo.AddActorsInMemory();
        }

        silo.AddActorsObservability();
        silo.AddNews();
        Actors.Flows.FlowsSiloBuilderExtensions.AddFlows(silo);
        silo.Services.CacheGrainInterfaceTypes();
        return silo;
    }

    /// <summary>
    /// The silo's cache of grain addresses holds 100,000 grains in a cluster (PostgreSQL mode) and 10,000 in memory mode,
    /// instead of Orleans' default 1,000,000 (override under <c>Orleans:Directory</c>, e.g.
    /// <c>Orleans__Directory__CacheSize</c>). Entries of grains that deactivated right after a call (a news after its
    /// submission, a URL guard) stay until the cache is full, ~230 bytes each, two per submitted news: ~460 bytes per
    /// news, history rather than what is hot, and the cache's table was allocated for its full size (18.6 MB at start).
    /// A grain missing from the cache costs a directory lookup: one call to the owning silo in a cluster, a dictionary
    /// lookup in this process with the single silo of memory mode, where the cache saves next to nothing.
    /// </summary>
    private static void BoundDirectoryCache(this ISiloBuilder silo)
    {
        var clustered = silo.Configuration.PostgresConnectionString() is not null;
        silo.Services.Configure<GrainDirectoryOptions>(o => o.CacheSize = clustered ? 100_000 : 10_000);
        silo.Services.Configure<GrainDirectoryOptions>(silo.Configuration.GetSection("Orleans:Directory"));
    }

    private static void AddActorsInMemory(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton<IEventLog, InMemoryEventLog>();
        silo.AddMemoryGrainStorageAsDefault();
        silo.AddMemoryGrainStorage("PubSubStore");
        silo.UseInMemoryReminderService();
        silo.Services.AddOptions<InProcessQueueOptions>().Bind(silo.Configuration.GetSection(InProcessQueueOptions.Section));
        // In-process queues under Orleans' pulling agents: a publish is an enqueue (no queue grain, no serialization).
        silo.AddStreamFilter<EventTypeFilter>(EventStreams.ProviderName);
        // One instance: Orleans' pulling agents read its queues, and the event-sourced grains publish to them directly.
        silo.Services.AddSingleton(services => InProcessQueueAdapterFactory.Create(services, EventStreams.ProviderName));
        silo.Services.AddSingleton<IParkedEventStore>(services => services.GetRequiredService<InProcessQueueAdapterFactory>().Parked);
        silo.AddPersistentStreams(EventStreams.ProviderName, (services, _) => services.GetRequiredService<InProcessQueueAdapterFactory>(), streams =>
        {
            streams.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                // The pulling agents poll their queues (cheaply here); the default 100 ms would dominate the
                // vote-to-ranking delay.
                o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(5);
                // Up to this many queued events of a stream go to a consumer in one call (one grain turn) instead of
                // one call each; under load that divides the delivery cost, idle it changes nothing.
                o.BatchContainerBatchSize = 64;
                // How long a failing consumer is retried on one delivery before its events are parked and the stream
                // goes on (as in PostgreSQL mode).
                o.MaxEventDeliveryTime = TimeSpan.FromSeconds(20);
            }));
        });
        silo.Services.Configure<StreamPullingAgentOptions>(EventStreams.ProviderName, silo.Configuration.GetSection("Orleans:StreamPulling"));
    }
}
