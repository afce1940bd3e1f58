using System.Collections.Concurrent;
using System.Diagnostics;
using Actors.Diagnostics;
using Actors.EventSourcing;
using Npgsql;

namespace Actors.Tests.Faults;

/// <summary>
/// Concurrent commands against the cluster (probe ticks: one durable append each), remembering what was
/// acknowledged, what failed and how long the slowest call took.
/// </summary>
public sealed class ProbeLoad(IClusterClient client, int probes = 40, int workers = 16)
{
    private readonly string[] _probes = Enumerable.Range(0, probes).Select(i => $"load{Guid.NewGuid().ToString("N")[..6]}-{i}").ToArray();
    private readonly ConcurrentDictionary<string, long> _acknowledged = new();
    private long _acks;
    private long _slowestTicks;

    public ConcurrentBag<Exception> Failures { get; } = [];

    public long Acknowledged => Interlocked.Read(ref _acks);

    public TimeSpan SlowestCall => TimeSpan.FromTicks(Interlocked.Read(ref _slowestTicks));

    /// <summary>The highest acknowledged version of each probe stream.</summary>
    public IReadOnlyDictionary<string, long> AcknowledgedVersions => _acknowledged;

    public Task RunAsync(CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
    {
        var random = new Random(w);
        while (!stop.IsCancellationRequested)
        {
            var probe = _probes[random.Next(_probes.Length)];
            var watch = Stopwatch.StartNew();
            try
            {
                var version = await client.GetGrain<IProbeGrain>(probe).Tick();
                _acknowledged.AddOrUpdate(EventStreams.StreamOf("probe", probe), version, (_, v) => Math.Max(v, version));
                Interlocked.Increment(ref _acks);
            }
            catch (Exception e)
            {
                Failures.Add(e);
                // Do not spin while the cluster or the database is away.
                await Task.Delay(50, CancellationToken.None);
            }
            finally
            {
                var ticks = watch.Elapsed.Ticks;
                long seen;
                while (ticks > (seen = Interlocked.Read(ref _slowestTicks)) && Interlocked.CompareExchange(ref _slowestTicks, ticks, seen) != seen)
                {
                }
            }
        }
    })));

    public Task UntilAcknowledgedAsync(long count, TimeSpan timeout) =>
        Eventually(() => Acknowledged >= count, $"{count} acknowledged commands (have {Acknowledged}, failures {Failures.Count})", timeout);

    /// <summary>The version of every probe stream in the log, straight from PostgreSQL.</summary>
    public static async Task<Dictionary<string, long>> LogVersionsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT stream_id, max(version), count(*) FROM actors_events WHERE category = 'probe' GROUP BY stream_id", connection);
        var versions = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            // Versions are dense: a stream at version n holds exactly n events.
            Assert.Equal(reader.GetInt64(1), reader.GetInt64(2));
            versions[reader.GetString(0)] = reader.GetInt64(1);
        }

        return versions;
    }

    /// <summary>What the probe consumers (one per delivery partition) have seen, merged.</summary>
    public static async Task<Dictionary<string, long>> DeliveredVersionsAsync(IClusterClient client)
    {
        var merged = new Dictionary<string, long>();
        for (var partition = 0; partition < EventStreams.Partitions; partition++)
        {
            foreach (var (stream, version) in await client.GetGrain<IProbeDeliveryGrain>(partition.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetDelivered())
            {
                merged[stream] = version;
            }
        }

        return merged;
    }

    /// <summary>Every acknowledged tick is in the log, and delivery converges to exactly the log.</summary>
    public async Task AssertNothingLostAsync(IClusterClient reader, string connectionString, TimeSpan deliveryTimeout)
    {
        var log = await LogVersionsAsync(connectionString);
        foreach (var (stream, acknowledged) in AcknowledgedVersions)
        {
            Assert.True(log.GetValueOrDefault(stream) >= acknowledged, $"{stream}: acknowledged v{acknowledged}, log has v{log.GetValueOrDefault(stream)}");
        }

        Dictionary<string, long> delivered = [];
        await Eventually(async () =>
        {
            try
            {
                delivered = await DeliveredVersionsAsync(reader);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                return false; // a partition's consumer may be moving to another silo
            }

            return log.All(s => delivered.GetValueOrDefault(s.Key) == s.Value);
        }, "delivery converged to the log", deliveryTimeout);
        Assert.Equal(log.Where(s => s.Key.StartsWith("probe-load", StringComparison.Ordinal)).OrderBy(s => s.Key),
            delivered.Where(s => s.Key.StartsWith("probe-load", StringComparison.Ordinal)).OrderBy(s => s.Key));
    }
}
