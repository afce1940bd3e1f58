using System.Diagnostics;
using Actors.EventSourcing;
using Actors.Postgres.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Actors.Bench;

/// <summary>
/// Waits until stream delivery has caught up with the log: every partition's delivery checkpoint at the last event that
/// partition had when the wait began. A phase that starts while the consumers still work through the previous phase's
/// events (a burst of 150,000 appends, probe consumers writing grain storage per event) measures that backlog too: its
/// storage writes are commits of their own, competing with the phase's group commits for the WAL flush. pgbench is
/// measured on a quiet server; so is each phase.
/// </summary>
internal static class Quiesce
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    public static async Task WaitAsync(IServiceProvider services)
    {
        var checkpoints = services.GetRequiredService<DeliveryCheckpoints>();
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var head = await checkpoints.ReadHeadAsync();
        var watch = Stopwatch.StartNew();
        var last = new long[EventStreams.Partitions];
        for (var p = 0; p < last.Length; p++)
        {
            await using var command = dataSource.CreateCommand("SELECT coalesce(max(position), 0) FROM actors_events WHERE partition = $1 AND position <= $2");
            command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)p });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = head });
            last[p] = (long)(await command.ExecuteScalarAsync())!;
        }

        while (true)
        {
            var delivered = await checkpoints.ListAsync();
            var behind = Enumerable.Range(0, last.Length)
                .Count(p => delivered.GetValueOrDefault(DeliveryCheckpoints.QueueName(EventStreams.ProviderName, p)) < last[p]);
            if (behind == 0)
            {
                Console.WriteLine($"(delivery caught up with the log, position {head}, in {watch.Elapsed.TotalSeconds:F1} s)");
                return;
            }

            if (watch.Elapsed > Limit)
            {
                Console.WriteLine($"(delivery still behind the log in {behind} partitions after {Limit.TotalMinutes:F0} min; measuring anyway)");
                return;
            }

            await Task.Delay(250);
        }
    }
}
