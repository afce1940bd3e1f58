using System.Diagnostics;
using Actors.Diagnostics;
using Actors.EventSourcing;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Bench;

internal sealed class DurabilityBench(IServiceProvider services, TimeSpan duration, int concurrency)
{
    private readonly IEventLog _log = services.GetRequiredService<IEventLog>();
    private readonly IClusterClient _client = services.GetRequiredService<IClusterClient>();

    /// <summary>Appends straight to the log: <c>concurrency</c> writers, each its own stream, one event per append, awaited.</summary>
    public async Task EventLogAppendsAsync()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var count = await RunAsync(async (worker, stop) =>
        {
            long n = 0;
            var stream = $"bench-{run}{worker}";
            while (!stop.IsCancellationRequested)
            {
                await _log.AppendAsync(stream, n, [new ProbeTicked(stream, DateTimeOffset.UtcNow)], EventMetadata.None);
                n++;
            }

            return n;
        });
        Report("event log appends (durable, 1 event each)", count);
    }

    /// <summary>Commands through grains: each call activates/loads the aggregate, decides, appends durably, replies.</summary>
    public async Task GrainCommandsAsync()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var count = await RunAsync(async (worker, stop) =>
        {
            long n = 0;
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                await _client.GetGrain<IProbeGrain>($"{run}-{random.Next(1_000)}").Tick();
                n++;
            }

            return n;
        });
        Report("grain commands (probe ticks: load + append + reply)", count);
    }

    /// <summary>
    /// From an acknowledged append to the consumer of the log-fed stream having it (the vote -> top list path), under a
    /// steady background of 8 concurrent appenders, once the backlog of the earlier phases is delivered. The background
    /// goes to streams no one consumes: the probe consumer writes its grain storage per event (to show at-least-once
    /// delivery deduplicated durably), so a background of probe ticks would measure that consumer's backlog, not delivery.
    /// </summary>
    public async Task AppendToConsumerDelayAsync()
    {
        await Quiesce.WaitAsync(services);

        using var stop = new CancellationTokenSource();
        var run = Guid.NewGuid().ToString("N")[..6];
        var background = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var stream = $"bench-bg{run}{w}";
            for (long n = 0; !stop.IsCancellationRequested; n++)
            {
                await _log.AppendAsync(stream, n, [new ProbeTicked(stream, DateTimeOffset.UtcNow)], EventMetadata.None);
            }
        })).ToArray();

        var delays = new List<double>();
        var deadline = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < deadline)
        {
            delays.Add(await MeasureOneAsync($"delay-{Guid.NewGuid():N}"));
        }

        await stop.CancelAsync();
        await Task.WhenAll(background);
        delays.Sort();
        Console.WriteLine($"append -> consumer delay under load: n={delays.Count} p50={Percentile(delays, 0.50):F1} ms p99={Percentile(delays, 0.99):F1} ms max={delays[^1]:F1} ms");
    }

    private async Task<double> MeasureOneAsync(string probe)
    {
        var stream = EventStreams.StreamOf("probe", probe);
        var consumer = _client.GetGrain<IProbeDeliveryGrain>(EventStreams.PartitionOf(stream).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var version = await _client.GetGrain<IProbeGrain>(probe).Tick();
        var watch = Stopwatch.StartNew();
        while ((await consumer.GetDelivered()).GetValueOrDefault(stream) < version)
        {
            await Task.Delay(1);
        }

        return watch.Elapsed.TotalMilliseconds;
    }

    private async Task<long> RunAsync(Func<int, CancellationToken, Task<long>> worker)
    {
        using var warmup = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => worker(w + 1_000_000, warmup.Token)));

        using var stop = new CancellationTokenSource(duration);
        var counts = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => worker(w, stop.Token))));
        return counts.Sum();
    }

    private void Report(string what, long count) =>
        Console.WriteLine($"{what}: {count / duration.TotalSeconds:F0}/s ({count} in {duration.TotalSeconds:F0} s, {concurrency} concurrent)");

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
