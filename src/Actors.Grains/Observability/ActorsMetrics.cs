using System.Diagnostics;
using System.Diagnostics.Metrics;
using Actors.EventSourcing;

namespace Actors.Observability;

/// <summary>
/// The project's own meter, <c>Actors</c>: what the domain does, next to Orleans' <c>Microsoft.Orleans</c> meter.
/// Instruments are static so grains, projections and the event log can record without DI; the OpenTelemetry
/// pipeline (Prometheus at <c>/metrics</c>, OTLP) subscribes to the meter by name.
/// </summary>
public static class ActorsMetrics
{
    /// <summary>The name of the meter (and of the activity source) to subscribe to.</summary>
    public const string MeterName = "Actors";

    private static readonly Meter Meter = new(MeterName, "1.0");

    /// <summary>Milliseconds, finer than OpenTelemetry's default below 5 ms: appends and deliveries are mostly that fast.</summary>
    private static readonly InstrumentAdvice<double> MillisecondBuckets = new()
    {
        HistogramBucketBoundaries = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
    };

    /// <summary>Commands a grain decided on, by grain, command and outcome (<c>accepted</c>, <c>unchanged</c>, <c>rejected</c>).</summary>
    public static readonly Counter<long> CommandsHandled =
        Meter.CreateCounter<long>("actors.commands.handled", "{command}", "Commands decided by event-sourced grains.");

    /// <summary>Commands refused by a business rule, by grain, command and rejection code.</summary>
    public static readonly Counter<long> CommandsRejected =
        Meter.CreateCounter<long>("actors.commands.rejected", "{command}", "Commands refused by a business rule.");

    /// <summary>Events appended to the event log, by category and event type.</summary>
    public static readonly Counter<long> EventsAppended =
        Meter.CreateCounter<long>("actors.events.appended", "{event}", "Events appended to the event log.");

    /// <summary>How long one append to the event log took, by category.</summary>
    public static readonly Histogram<double> AppendDuration =
        Meter.CreateHistogram("actors.events.append.duration", "ms", "Duration of one append to the event log.", tags: null, advice: MillisecondBuckets);

    /// <summary>
    /// One group commit of the PostgreSQL event log (one transaction for many grains' appends): how long the database
    /// took, from sending the batch to having every answer. Together with <see cref="CommitAppends"/> and
    /// <see cref="CommitQueueWait"/> this says where an append's time goes (waiting for a batch, or the batch itself).
    /// </summary>
    public static readonly Histogram<double> CommitDuration =
        Meter.CreateHistogram("actors.eventlog.commit.duration", "ms", "Duration of one group commit of the event log.", tags: null, advice: MillisecondBuckets);

    /// <summary>Appends (from different grains) per group commit.</summary>
    public static readonly Histogram<int> CommitAppends =
        Meter.CreateHistogram("actors.eventlog.commit.appends", "{append}", "Appends committed together in one transaction.", tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });

    /// <summary>How long an append waited in the queue before its batch was sent.</summary>
    public static readonly Histogram<double> CommitQueueWait =
        Meter.CreateHistogram("actors.eventlog.commit.queue_wait", "ms", "Time an append waited for its group commit to start.", tags: null, advice: MillisecondBuckets);

    /// <summary>From the log accepting an event to a projection applying it, by projection: one measurement per delivery (its oldest event).</summary>
    public static readonly Histogram<double> DeliveryLag =
        Meter.CreateHistogram("actors.stream.delivery.lag", "ms", "Time from the oldest event of a delivery being recorded to its consumer applying the delivery.", tags: null, advice: MillisecondBuckets);

    /// <summary>Events a consumer gave up on and parked (dead letters), by category and event type.</summary>
    public static readonly Counter<long> EventsParked =
        Meter.CreateCounter<long>("actors.events.parked", "{event}", "Events parked after a consumer kept failing on them.");

    /// <summary>
    /// The transfers active on this silo that have started and not yet completed or failed. The transfer grain marks
    /// itself on activation and after each step, and unmarks on deactivation, so the count survives restarts and
    /// moves between silos (the cluster's figure is the sum over silos).
    /// </summary>
    public static readonly PendingWork PendingTransfers = new();

    /// <summary>Observes <see cref="PendingTransfers"/>.</summary>
    public static readonly ObservableGauge<int> TransfersPending =
        Meter.CreateObservableGauge("actors.transfers.pending", () => PendingTransfers.Count, "{transfer}", "Money transfers started and not yet finished.");

    /// <summary>
    /// Records how late <paramref name="recorded"/> reached <paramref name="projection"/>. Every Orleans stream consumer
    /// gets this for free (the silo's grain call filter records it per delivery, as its oldest event's lag, tagged with the
    /// consumer's class);
    /// call it for events that reach a read model another way, e.g. handed on from a consumer grain to another grain.
    /// </summary>
    public static void RecordDeliveryLag(string projection, RecordedEvent recorded, TimeProvider time)
    {
        if (!DeliveryLag.Enabled)
        {
            return;
        }

        // A test clock may stand before the recording time; a negative lag means nothing, so it counts as zero.
        var lag = Math.Max(0, (time.GetUtcNow() - recorded.RecordedAt).TotalMilliseconds);
        DeliveryLag.Record(lag, new KeyValuePair<string, object?>("projection", projection));
    }

    /// <summary>Counts one parked event, by its category and type (not by subscription: that would be a series per consumer instance).</summary>
    public static void RecordParked(RecordedEvent recorded) =>
        EventsParked.Add(1, new("category", recorded.Category), new("type", recorded.Type));

    internal static void RecordDecision(string grain, string command, string outcome, Rejection? rejection)
    {
        var tags = new TagList { { "grain", grain }, { "command", command }, { "outcome", outcome } };
        CommandsHandled.Add(1, tags);
        if (rejection is not null)
        {
            CommandsRejected.Add(1, new("grain", grain), new("command", command), new("code", rejection.Code));
        }
    }

    internal static void RecordAppended(IReadOnlyList<RecordedEvent> recorded, long startTimestamp)
    {
        if (recorded.Count == 0)
        {
            return;
        }

        var category = recorded[0].Category;
        AppendDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, new KeyValuePair<string, object?>("category", category));
        if (EventsAppended.Enabled)
        {
            foreach (var e in recorded)
            {
                EventsAppended.Add(1, new("category", category), new("type", e.Type));
            }
        }
    }
}

/// <summary>A set of things in progress (e.g. transfer ids), counted by a gauge.</summary>
public sealed class PendingWork
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _items = new(StringComparer.Ordinal);

    public int Count => _items.Count;

    /// <summary>Records whether <paramref name="id"/> is pending now; idempotent.</summary>
    public void Mark(string id, bool pending)
    {
        if (pending)
        {
            _items.TryAdd(id, 0);
        }
        else
        {
            _items.TryRemove(id, out _);
        }
    }
}
