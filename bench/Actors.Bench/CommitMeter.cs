using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Actors.Observability;

namespace Actors.Bench;

/// <summary>
/// The event log's group commits over a measured span (from the log's own instruments): how many, how full, how long
/// each took in the database and how long an append waited for its batch. Says whether an operation's latency is the
/// database's or the queue's.
/// </summary>
internal sealed class CommitMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<double> _durations = new();
    private readonly ConcurrentQueue<double> _waits = new();
    private readonly ConcurrentQueue<int> _appends = new();

    public CommitMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ActorsMetrics.MeterName && instrument.Name.StartsWith("actors.eventlog.commit.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
            (instrument.Name.EndsWith(".duration", StringComparison.Ordinal) ? _durations : _waits).Enqueue(value));
        _listener.SetMeasurementEventCallback<int>((_, value, _, _) => _appends.Enqueue(value));
        _listener.Start();
    }

    public string Summary(double seconds)
    {
        var durations = _durations.Order().ToArray();
        var waits = _waits.Order().ToArray();
        var appends = _appends.ToArray();
        return durations.Length == 0
            ? "no group commits"
            : $"group commits: {durations.Length / seconds:F0}/s, {appends.Average():F1} appends each, " +
              $"in the database p50 {Percentile(durations, 0.5):F1} ms p99 {Percentile(durations, 0.99):F1} ms, " +
              $"append waited for its batch p50 {Percentile(waits, 0.5):F1} ms p99 {Percentile(waits, 0.99):F1} ms";
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))];

    public void Dispose() => _listener.Dispose();
}
