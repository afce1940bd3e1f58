using System.Security.Cryptography;
using System.Text;
using Actors.EventSourcing;
using Actors.Hosting;
using Actors.Postgres.Delivery;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Actors.Gateway.Hosting;

/// <summary>
/// Operator endpoints of log-fed delivery (PostgreSQL mode only): progress of every delivery queue against the log
/// head, rebuild (re-deliver the whole log from position 0), and parked events (list, replay). Guarded by the
/// <c>Admin:Token</c> setting, sent as header <c>X-Admin-Token</c>; without that setting they are not mapped.
/// </summary>
public static class DeliveryAdminExtensions
{
    private const string TokenHeader = "X-Admin-Token";

    public static IServiceCollection AddDeliveryAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.PostgresConnectionString() is { } connectionString)
        {
            services.TryAddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = "actors" }.Build());
            services.TryAddSingleton<DeliveryCheckpoints>();
            services.TryAddSingleton<ParkedEvents>();
            services.TryAddSingleton<IParkedEventStore>(sp => sp.GetRequiredService<ParkedEvents>());
        }

        return services;
    }

    public static IEndpointRouteBuilder MapDeliveryAdminApi(this IEndpointRouteBuilder app)
    {
        var configuration = app.ServiceProvider.GetRequiredService<IConfiguration>();
        if (configuration.PostgresConnectionString() is null || configuration["Admin:Token"] is not { Length: > 0 } token)
        {
            return app;
        }

        var admin = app.MapGroup("/admin/delivery").AddEndpointFilter(async (context, next) =>
            IsAuthorized(context.HttpContext.Request.Headers[TokenHeader].ToString(), token)
                ? await next(context)
                : Results.Problem(title: $"Missing or wrong {TokenHeader} header.", statusCode: StatusCodes.Status401Unauthorized));

        admin.MapGet("/", async (DeliveryCheckpoints checkpoints, CancellationToken cancellationToken) =>
            Results.Ok(await ProgressAsync(checkpoints, cancellationToken)));

        admin.MapPost("/rebuild", async (DeliveryCheckpoints checkpoints, CancellationToken cancellationToken) =>
        {
            for (var partition = 0; partition < EventStreams.Partitions; partition++)
            {
                await checkpoints.RequestRewindAsync(DeliveryCheckpoints.QueueName(EventStreams.ProviderName, partition), 0, cancellationToken);
            }

            return Results.Accepted("/admin/delivery", await ProgressAsync(checkpoints, cancellationToken));
        });

        admin.MapGet("/parked", async (ParkedEvents parked, bool? includeReplayed, CancellationToken cancellationToken) =>
            Results.Ok(await parked.ListAsync(includeReplayed ?? false, cancellationToken: cancellationToken)));

        admin.MapPost("/parked/replay", async (ParkedEvents parked, CancellationToken cancellationToken) =>
            Results.Ok(new { requested = await parked.RequestReplayAsync(cancellationToken: cancellationToken) }));

        admin.MapPost("/parked/{id:long}/replay", async (long id, ParkedEvents parked, CancellationToken cancellationToken) =>
            await parked.RequestReplayAsync(id, cancellationToken) == 0
                ? Results.Problem(title: $"No parked event {id} is waiting for a replay.", statusCode: StatusCodes.Status404NotFound)
                : Results.Ok(new { requested = 1 }));

        return app;
    }

    /// <summary>Where each delivery queue is, against the log head: what a rebuild's progress looks like.</summary>
    private static async Task<DeliveryProgress> ProgressAsync(DeliveryCheckpoints checkpoints, CancellationToken cancellationToken)
    {
        var head = await checkpoints.ReadHeadAsync(cancellationToken);
        var all = await checkpoints.ListAsync(cancellationToken);
        var queues = Enumerable.Range(0, EventStreams.Partitions)
            .Select(p => DeliveryCheckpoints.QueueName(EventStreams.ProviderName, p))
            .Select(name => new QueueProgress(name, all.GetValueOrDefault(name), head - all.GetValueOrDefault(name)))
            .ToList();
        var behind = queues.Max(q => q.Behind);
        return new DeliveryProgress(head, queues, head == 0 ? 100 : Math.Round(100.0 * (head - behind) / head, 1));
    }

    private static bool IsAuthorized(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    /// <summary>
    /// Delivery progress. A queue's checkpoint counts events its consumers have all processed, reported in cache-sized
    /// steps, so a caught-up queue may show a few hundred behind until more events flow.
    /// </summary>
    private sealed record DeliveryProgress(long Head, IReadOnlyList<QueueProgress> Queues, double PercentDelivered);

    private sealed record QueueProgress(string Name, long Checkpoint, long Behind);
}
