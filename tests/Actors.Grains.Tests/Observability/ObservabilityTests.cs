using System.Diagnostics.Metrics;
using Actors.EventSourcing;
using Actors.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Observability;

[Collection(ClusterCollection.Name)]
public sealed class ObservabilityTests(ClusterFixture fixture) : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = [];

    private IEventLog Log => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IEventLog>();

    [Fact]
    public async Task A_recorded_event_carries_the_correlation_id_of_the_request_that_caused_it()
    {
        var tally = NewTally(out var streamId);

        RequestContext.Set(RequestContextKeys.CorrelationId, "req-42");
        try
        {
            await tally.Add(3);
        }
        finally
        {
            RequestContext.Clear();
        }

        var recorded = Assert.Single(await Log.ReadStreamAsync(streamId));
        Assert.Equal("req-42", recorded.CorrelationId);
    }

    [Fact]
    public async Task What_a_grain_logs_while_handling_a_request_carries_its_correlation_id()
    {
        var tally = NewTally(out var streamId);
        var key = EventStreams.IdOf(streamId);

        RequestContext.Set(RequestContextKeys.CorrelationId, "req-log-7");
        try
        {
            await tally.Add(1);
        }
        finally
        {
            RequestContext.Clear();
        }

        var entry = Assert.Single(fixture.Logs.Entries, e => e.Message == $"Adding 1 to tally {key}");
        Assert.Equal("req-log-7", entry.Scopes["CorrelationId"]);
    }

    [Fact]
    public async Task Commands_are_counted_by_grain_command_and_outcome_and_rejections_by_code()
    {
        Listen();
        var tally = NewTally(out _);

        await tally.Add(2);
        await tally.Add(0);
        await tally.Add(-1);

        Assert.Contains(_measurements, m => Is(m, "actors.commands.handled", "TallyGrain", "Add", ("outcome", "accepted")));
        Assert.Contains(_measurements, m => Is(m, "actors.commands.handled", "TallyGrain", "Add", ("outcome", "unchanged")));
        Assert.Contains(_measurements, m => Is(m, "actors.commands.handled", "TallyGrain", "Add", ("outcome", "rejected")));
        Assert.Contains(_measurements, m => Is(m, "actors.commands.rejected", "TallyGrain", "Add", ("code", "tally.negative")));
    }

    [Fact]
    public async Task Appended_events_are_counted_by_category_and_type()
    {
        Listen();
        var tally = NewTally(out _);

        await tally.Add(5);

        Assert.Contains(_measurements, m => m.Instrument == "actors.events.appended"
            && Equals(m.Tags["category"], "tally") && Equals(m.Tags["type"], "tests.tally-added"));
    }

    [Fact]
    public void Delivery_lag_is_the_time_since_the_log_recorded_the_event_and_never_negative()
    {
        var lags = new List<(double Value, object? Projection)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ActorsMetrics.MeterName && instrument.Name == "actors.stream.delivery.lag")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            lock (lags)
            {
                lags.Add((value, tags.ToArray().Single(t => t.Key == "projection").Value));
            }
        });
        listener.Start();
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var recorded = new RecordedEvent("tally-x", 1, 1, Guid.NewGuid(), clock.GetUtcNow(), null, null, new TallyAdded(1));

        clock.Advance(TimeSpan.FromMilliseconds(40));
        ActorsMetrics.RecordDeliveryLag("lag-test", recorded, clock);
        ActorsMetrics.RecordDeliveryLag("lag-test-early", recorded with { RecordedAt = clock.GetUtcNow().AddSeconds(1) }, clock);

        lock (lags)
        {
            Assert.Contains((40d, (object?)"lag-test"), lags);
            Assert.Contains((0d, (object?)"lag-test-early"), lags);
        }
    }

    [Fact]
    public async Task Every_stream_consumer_records_its_delivery_lag_without_code_of_its_own()
    {
        var lags = new List<object?>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ActorsMetrics.MeterName && instrument.Name == "actors.stream.delivery.lag")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            lock (lags)
            {
                lags.Add(tags.ToArray().Single(t => t.Key == "projection").Value);
            }
        });
        listener.Start();

        await NewTally(out _).Add(1);

        await Eventually(Seen, "a delivery lag is recorded for the tally watcher", TimeSpan.FromSeconds(10));

        bool Seen()
        {
            lock (lags)
            {
                return lags.Contains("TallyWatcherGrain");
            }
        }
    }

    [Fact]
    public void Pending_work_counts_each_item_once_until_it_is_done()
    {
        var pending = new PendingWork();

        pending.Mark("t-1", true);
        pending.Mark("t-1", true);
        pending.Mark("t-2", true);
        pending.Mark("t-2", false);
        pending.Mark("t-3", false);

        Assert.Equal(1, pending.Count);
    }

    public void Dispose() => _listener.Dispose();

    private ITallyGrain NewTally(out string streamId)
    {
        var key = Guid.NewGuid().ToString("N");
        streamId = EventStreams.StreamOf("tally", key);
        return fixture.Client.GetGrain<ITallyGrain>(key);
    }

    private void Listen()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ActorsMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (_measurements)
            {
                _measurements.Add((instrument.Name, value, copy));
            }
        });
        _listener.Start();
    }

    private static bool Is(
        (string Instrument, long Value, Dictionary<string, object?> Tags) m, string instrument, string grain, string command, (string Key, string Value) tag) =>
        m.Instrument == instrument && Equals(m.Tags["grain"], grain) && Equals(m.Tags["command"], command) && Equals(m.Tags[tag.Key], tag.Value);
}
