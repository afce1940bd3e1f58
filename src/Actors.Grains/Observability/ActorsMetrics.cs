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
        Meter.CreateHistogram<double>("actors.events.append.duration", "ms", "Duration of one append to the event log.");

    /// <summary>From the log accepting an event to a projection applying it, by projection.</summary>
    public static readonly Histogram<double> DeliveryLag =
        Meter.CreateHistogram<double>("actors.stream.delivery.lag", "ms", "Time from an event being recorded to a consumer applying it.");

    /// <summary>Events a consumer gave up on and parked (dead letters), by consumer and category.</summary>
    public static readonly Counter<long> EventsParked =
        Meter.CreateCounter<long>("actors.events.parked", "{event}", "Events parked after a consumer kept failing on them.");

    /// <summary>Transfers started and not yet completed or failed: +1 when one starts, -1 when it ends.</summary>
    public static readonly UpDownCounter<long> TransfersPending =
        Meter.CreateUpDownCounter<long>("actors.transfers.pending", "{transfer}", "Money transfers started and not yet finished.");

    /// <summary>Records how late <paramref name="recorded"/> reached <paramref name="projection"/>. Call it once per event applied.</summary>
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

    /// <summary>Counts one event parked by <paramref name="consumer"/>.</summary>
    public static void RecordParked(string consumer, RecordedEvent recorded) =>
        EventsParked.Add(1, new("consumer", consumer), new("category", recorded.Category));

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
