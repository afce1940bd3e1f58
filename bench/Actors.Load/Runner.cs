using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Actors.Load;

internal static class Runner
{
    /// <summary>The gateway's process id, to report its CPU use (optional).</summary>
    public static int? GatewayPid { get; set; }

    /// <summary>How long <see cref="ClosedLoop"/> runs unmeasured first.</summary>
    public static TimeSpan Warmup { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>utime + stime of a process, in seconds (Linux /proc; clock ticks are 100 Hz).</summary>
    public static double? CpuSeconds(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/stat"))
        {
            return null;
        }

        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>
    /// <paramref name="workers"/> loops call <paramref name="call"/> back to back for <see cref="Warmup"/> (with a
    /// negative call number: not measured), then for <paramref name="duration"/>, printing progress every 5 s.
    /// </summary>
    public static async Task<RunResult> ClosedLoop(int workers, TimeSpan duration, Func<int, long, Task> call)
    {
        // Warm-up: connections open and the gateway's hot paths are compiled before the clock starts.
        if (Warmup > TimeSpan.Zero)
        {
            Console.WriteLine($"warm-up {Warmup.TotalSeconds:F0} s...");
        }

        var warm = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            do
            {
                await Safe(() => call(w, -1));
            }
            while (warm.Elapsed < Warmup);
        })));

        long count = 0, errors = 0;
        string? firstError = null;
        var latencies = new List<double>[workers];
        var cpuBefore = CpuSeconds(GatewayPid);
        var stop = Stopwatch.StartNew();
        using var progress = new Timer(_ =>
        {
            var done = Interlocked.Read(ref count);
            Console.WriteLine($"  {stop.Elapsed.TotalSeconds,4:F0} s: {done:N0} calls, {Interlocked.Read(ref errors)} errors, {done / stop.Elapsed.TotalSeconds:F0}/s");
        }, null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(1 << 16);
            long i = 0;
            while (stop.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await call(w, i++);
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    Interlocked.Increment(ref count);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        })));
        var elapsed = stop.Elapsed;
        return new RunResult(count, errors, elapsed, latencies.SelectMany(l => l).ToList(), firstError)
        {
            GatewayCpuSeconds = CpuSeconds(GatewayPid) - cpuBefore,
        };
    }

    private static async Task Safe(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception)
        {
            // Warm-up errors show up again in the measured run.
        }
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
