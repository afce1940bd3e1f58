using Actors.EventSourcing;
using Actors.Hosting;
using Actors.News;
using Actors.Postgres;
using Actors.Postgres.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace Actors.Seeding;

/// <summary>Seeding run with the services of a host that runs a silo (the gateway's co-hosted one, or the silo's <c>seed</c> command).</summary>
public static class SeedingServices
{
    /// <summary>
    /// Seeds the site, then, in PostgreSQL mode, indexes the seeded events for the user lists and moves every delivery
    /// checkpoint of the log-fed stream provider to the log's head: what consumers would have made of the seeded events
    /// is already written (karma credits and reply notes are in the log, the rankings, user lists and statements
    /// rebuild from it, the user activity index is filled, owner summaries are in storage),
    /// so the silos started next do not deliver the whole seeded history again (millions of idempotent no-ops).
    /// </summary>
    public static async Task<SeedReport> SeedSiteAsync(this IServiceProvider services, SeedOptions options, CancellationToken cancellationToken = default)
    {
        var seeder = new SiteSeeder(
            services.GetRequiredService<IEventLog>(),
            services.GetRequiredService<IGrainFactory>(),
            services.GetRequiredKeyedService<IGrainStorage>(SeedStorage.ProviderName),
            services.GetRequiredService<IOptions<NewsOptions>>().Value,
            services.GetRequiredService<IOptions<EventDeliveryOptions>>().Value,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Actors.Seeding"));
        var report = await seeder.SeedAsync(options, cancellationToken);
        await services.FinishBulkWriteAsync(cancellationToken);
        return report;
    }

    /// <summary>
    /// After a writer put a site's events in the log without delivering them (seeding, an import), in PostgreSQL mode:
    /// indexes them for the user lists, stores the news lists' checkpoint and moves every delivery checkpoint of the
    /// log-fed stream provider to the log's head (see <see cref="SeedSiteAsync"/>). Safe to repeat.
    /// </summary>
    public static async Task FinishBulkWriteAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        // The seeded events reach no consumer, so the user activity index learns of them here, before the delivery
        // checkpoints move past them (until it is done, user lists rebuild from the whole news category).
        if (services.GetService<UserActivityIndexBackfill>() is { } userIndex)
        {
            await userIndex.IndexBulkWrittenAsync(cancellationToken);
        }

        if (services.GetService<ISnapshotStore>() is { } store)
        {
            await CheckpointNewsListsAsync(services, store, cancellationToken);
        }

        if (services.GetService<DeliveryCheckpoints>() is { } checkpoints)
        {
            var head = await checkpoints.ReadHeadAsync(cancellationToken);
            for (var partition = 0; partition < EventStreams.Partitions; partition++)
            {
                await checkpoints.AdvanceAsync(DeliveryCheckpoints.QueueName(EventStreams.ProviderName, partition), head, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Stores the news lists' checkpoint of the seeded log, so the first silo started on it reads that instead of
    /// folding every seeded event (at 1,000,000 news, minutes).
    /// </summary>
    private static async Task CheckpointNewsListsAsync(IServiceProvider services, ISnapshotStore store, CancellationToken cancellationToken)
    {
        var log = services.GetRequiredService<IEventLog>();
        var options = services.GetRequiredService<IOptions<NewsOptions>>().Value;
        var lists = new NewsLists(options);
        long position = 0;
        while (await log.ReadAllAsync(position, 4096, NewsStreams.Category, cancellationToken) is { Count: > 0 } page)
        {
            foreach (var recorded in page)
            {
                lists.Apply((INewsEvent)recorded.Data, recorded.Version);
            }

            position = page[^1].Position;
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Actors.Seeding");
        await new NewsListsCheckpoint(store, log, options, logger).StoreAsync(lists, position, cancellationToken);
        logger.LogInformation("Seeding: news lists' checkpoint stored ({News:N0} news, position {Position:N0})", lists.Count, position);
    }

    /// <summary>
    /// For a silo that only seeds: its log-fed delivery polls once an hour instead of every 20 ms, so it does not
    /// deliver the events it is writing (their effects are written by the seeding itself; see <see cref="SeedSiteAsync"/>).
    /// </summary>
    public static ISiloBuilder WithoutDelivery(this ISiloBuilder silo)
    {
        silo.Services.Configure<StreamPullingAgentOptions>(EventStreams.ProviderName, o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromHours(1));
        return silo;
    }

    /// <summary>
    /// In memory mode: seeds the site at start-up when <c>Seed:News</c> is above 0, after the silo has started and before
    /// the host counts as started (so before the gateway reports ready). Register it after the silo.
    /// </summary>
    public static IServiceCollection AddSeedingAtStartup(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SeedOptions>().Bind(configuration.GetSection(SeedOptions.Section));
        services.AddHostedService<SeedAtStartup>();
        return services;
    }

    private sealed class SeedAtStartup(IServiceProvider services, IOptions<SeedOptions> options, IConfiguration configuration) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Value.News <= 0)
            {
                return;
            }

            if (configuration.PostgresConnectionString() is not null)
            {
                throw new InvalidOperationException(
                    "Seed:News seeds the in-memory site at start-up; for PostgreSQL run the silo's command: Actors.Silo seed --news N.");
            }

            await services.SeedSiteAsync(options.Value, cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
