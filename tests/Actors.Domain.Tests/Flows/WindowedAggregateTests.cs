using Actors.Flows;

namespace Actors.Tests.Flows;

/// <summary>
/// The windowed aggregation against a batch recomputation: random keys with events mostly in time order and some late
/// (within grace and beyond), delivered in a shuffled order with repeats, applied as a consumer does (a gap reads the
/// key's missing versions from the log first); every window of every key must equal the batch's value, and top-K lists
/// of any sharding must equal the unsharded one.
/// </summary>
public class WindowedAggregateTests
{
    private const long Minute = 60_000;
    private static readonly long T0 = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private sealed record Event(long Key, long Version, long Time, long Value);

    [Theory]
    [InlineData(1, 60, 1, 2)] // trending: hopping 60 min every minute, 2 min grace
    [InlineData(2, 60, 1, 2)]
    [InlineData(3, 1, 1, 2)] // activity: tumbling 1 min
    [InlineData(4, 10, 5, 0)] // hopping, no grace at all
    [InlineData(5, 15, 3, 30)] // grace longer than the window
    [InlineData(6, 7, 7, 1)]
    public void Given_shuffled_repeated_and_late_events_when_applied_then_every_window_equals_a_batch_recomputation(int seed, int size, int advance, int grace)
    {
        var spec = WindowSpec.Of("test", size * Minute, advance * Minute, grace * Minute);
        var random = new Random(seed);
        var log = Generate(random, keys: 40, eventsPerKey: 60, spec);

        var aggregate = Replay(spec, Deliveries(random, log), log);

        var expected = Batch(spec, log);
        var checkedWindows = 0;
        foreach (var key in log.Keys)
        {
            var actual = aggregate.Windows(key).ToDictionary(w => w.End, w => w.Value);
            var batch = expected.Where(e => e.Key.Key == key && e.Value != 0).ToDictionary(e => e.Key.End, e => e.Value);
            Assert.Equal(batch.OrderBy(w => w.Key), actual.OrderBy(w => w.Key));
            foreach (var (end, value) in batch)
            {
                Assert.Equal(value, aggregate.ValueAt(key, end));
                checkedWindows++;
            }
        }

        Assert.True(checkedWindows > 100, $"only {checkedWindows} windows checked");
        // The generator makes late events on both sides of grace (unless there is no window to be late for).
        Assert.True(aggregate.LateEvents > 0, "no late event was generated");
        Assert.Equal(LateInBatch(spec, log), aggregate.LateEvents);
    }

    [Theory]
    [InlineData(11, 2)]
    [InlineData(12, 3)]
    [InlineData(13, 8)]
    [InlineData(14, 17)]
    public void Given_keys_spread_over_shards_when_their_top_lists_are_merged_then_they_equal_the_unsharded_top_list(int seed, int shards)
    {
        var spec = WindowSpec.Of("test", 60 * Minute, Minute, 2 * Minute);
        var random = new Random(seed);
        var log = Generate(random, keys: 120, eventsPerKey: 30, spec);
        var deliveries = Deliveries(random, log);

        var whole = Replay(spec, deliveries, log);
        var parts = Enumerable.Range(0, shards)
            .Select(s => Replay(spec, deliveries.Where(e => ShardOf(e.Key, shards) == s).ToList(), log))
            .ToArray();

        var batch = Batch(spec, log);
        foreach (var end in batch.Keys.Select(w => w.End).Distinct())
        {
            foreach (var k in new[] { 1, 5, 30, 1000 })
            {
                var merged = TopK.Merge(parts.Select(p => p.Top(end, k)), k);
                Assert.Equal(whole.Top(end, k), merged);
                var recomputed = batch.Where(w => w.Key.End == end && w.Value > 0).Select(w => new Ranked(w.Key.Key, w.Value)).ToList();
                recomputed.Sort(TopK.Order);
                Assert.Equal(recomputed.Take(k), merged);
            }
        }
    }

    [Fact]
    public void Given_an_aggregate_written_to_a_checkpoint_when_read_back_then_every_window_and_version_is_the_same()
    {
        var spec = WindowSpec.Of("trending", 60 * Minute, Minute, 2 * Minute);
        var random = new Random(21);
        var log = Generate(random, keys: 30, eventsPerKey: 40, spec);
        var deliveries = Deliveries(random, log);
        var original = Replay(spec, deliveries, log);
        original.Evict(T0 + 30 * Minute);

        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            original.Write(writer);
        }

        buffer.Position = 0;
        var restored = WindowedAggregate.Read(spec, new BinaryReader(buffer));

        Assert.Equal(original.LateEvents, restored.LateEvents);
        Assert.Equal(original.Horizon, restored.Horizon);
        foreach (var key in log.Keys)
        {
            Assert.Equal(original.VersionOf(key), restored.VersionOf(key));
            Assert.Equal(original.Windows(key), restored.Windows(key));
            // A repeat is still a repeat, and the stream time carried on: the next event is late or not alike.
            var last = log[key][^1];
            Assert.Equal(WindowOutcome.Duplicate, restored.Apply(key, last.Version, last.Time, 1).Outcome);
            Assert.Equal(original.Apply(key, last.Version + 1, T0, 1), restored.Apply(key, last.Version + 1, T0, 1));
        }

        Assert.Throws<EndOfStreamException>(() => WindowedAggregate.Read(spec, new BinaryReader(new MemoryStream(buffer.ToArray()[..20]))));
    }

    [Fact]
    public void Given_a_window_closed_by_stream_time_when_an_event_within_grace_arrives_then_it_counts_and_one_beyond_grace_is_kept_out()
    {
        var spec = WindowSpec.Of("trending", 60 * Minute, Minute, 2 * Minute);
        var aggregate = new WindowedAggregate(spec);
        var end = T0 + Minute; // the window [T0 - 59 min, T0 + 1 min)

        Assert.Equal(WindowOutcome.Applied, aggregate.Apply(1, 1, T0, 1).Outcome);
        // Stream time moves to T0 + 61.5 min: the window ending at T0 + 1 min closes at T0 + 3 min, so it is closed.
        Assert.Equal(WindowOutcome.Applied, aggregate.Apply(1, 2, T0 + 61 * Minute + Minute / 2, 1).Outcome);
        // An event of T0 + 0.5 min is late for the windows ending at T0 + 1 .. T0 + 59.5 min - grace, counted in the later ones.
        var withinGrace = aggregate.Apply(1, 3, T0 + Minute / 2, 1);
        Assert.Equal(WindowOutcome.PartlyLate, withinGrace.Outcome);
        Assert.Equal(1, aggregate.ValueAt(1, end)); // kept out of the closed window
        Assert.Equal(2, aggregate.ValueAt(1, T0 + 60 * Minute)); // still open (closes at T0 + 62 min): counted
        // An event an hour and more older than the stream time falls only in closed windows: kept out of all.
        var beyond = aggregate.Apply(1, 4, T0 - 5 * Minute, 1);
        Assert.Equal(WindowOutcome.Late, beyond.Outcome);
        Assert.Equal(60, beyond.WindowsKeptOut);
        Assert.Equal(2, aggregate.LateEvents);
        Assert.Equal(WindowOutcome.Duplicate, aggregate.Apply(1, 3, T0 + Minute / 2, 1).Outcome);
        Assert.Equal(WindowOutcome.Gap, aggregate.Apply(1, 9, T0, 1).Outcome);
    }

    [Fact]
    public void Given_hopping_windows_when_an_event_is_assigned_then_it_falls_in_size_over_advance_windows_that_contain_it()
    {
        var spec = WindowSpec.Of("trending", 60 * Minute, Minute, 0);
        var ends = spec.EndsOf(T0 + 30_000).ToArray();

        Assert.Equal(60, ends.Length);
        Assert.All(ends, end => Assert.True(end - 60 * Minute <= T0 + 30_000 && T0 + 30_000 < end));
        Assert.Equal(T0 + Minute, ends[0]);
        Assert.Equal(T0 + Minute, spec.NewestEndAt(T0 + 30_000));
        Assert.Equal(-1, spec.PaneOf(-1)); // before the epoch too
    }

    [Theory]
    [InlineData(0, 60, 0, "size")]
    [InlineData(60, 0, 0, "advance")]
    [InlineData(60, 120, 0, "advance")]
    [InlineData(60, 7, 0, "whole number")]
    [InlineData(60, 60, -1, "grace")]
    public void Given_windows_that_make_no_sense_when_checked_then_a_sentence_says_what_is_wrong(long size, long advance, long grace, string says)
    {
        var problem = WindowSpec.Problem("Trending", size, advance, grace);

        Assert.NotNull(problem);
        Assert.Contains(says, problem);
        Assert.StartsWith("Trending", problem);
        Assert.Throws<ArgumentException>(() => WindowSpec.Of("Trending", size, advance, grace));
    }

    [Fact]
    public void Given_old_panes_when_evicted_then_windows_after_the_horizon_keep_their_values_and_older_events_add_nothing()
    {
        var spec = WindowSpec.Of("activity", Minute, Minute, 0);
        var aggregate = new WindowedAggregate(spec);
        aggregate.Apply(1, 1, T0, 1);
        aggregate.Apply(1, 2, T0 + 10 * Minute, 1);

        aggregate.Evict(T0 + 5 * Minute);
        aggregate.Apply(1, 3, T0 + 10 * Minute, 1);
        aggregate.Apply(2, 1, T0, 1); // a new key with an event older than the horizon: nothing to add it to

        Assert.Equal(0, aggregate.ValueAt(1, T0 + Minute));
        Assert.Equal(2, aggregate.ValueAt(1, T0 + 11 * Minute));
        Assert.Equal([0, 2, 0], aggregate.Series(1, T0 + 10 * Minute, 3));
        Assert.Empty(aggregate.Windows(2));
        Assert.Equal(1, aggregate.KeysWithWindows);
    }

    [Fact]
    public void Given_an_ended_key_when_the_top_list_is_read_then_it_is_left_out()
    {
        var spec = WindowSpec.Of("trending", 60 * Minute, Minute, 0);
        var aggregate = new WindowedAggregate(spec);
        aggregate.Apply(1, 1, T0, 5);
        aggregate.Apply(2, 1, T0, 3);
        Assert.Equal([new Ranked(1, 5), new Ranked(2, 3)], aggregate.Top(T0 + Minute, 10));

        aggregate.Apply(1, 2, T0, 0, ends: true);

        Assert.Equal([new Ranked(2, 3)], aggregate.Top(T0 + Minute, 10));
    }

    /// <summary>
    /// Per key, events in version order; times mostly move forward, about one in six goes back: sometimes by less than
    /// grace past a window end, sometimes by more than the whole window; values 0 (events the view does not count) to 3.
    /// </summary>
    private static Dictionary<long, List<Event>> Generate(Random random, int keys, int eventsPerKey, WindowSpec spec)
    {
        var log = new Dictionary<long, List<Event>>();
        for (var key = 1L; key <= keys; key++)
        {
            var events = new List<Event>();
            var time = T0 + random.NextInt64(0, spec.Size);
            for (var version = 1L; version <= eventsPerKey; version++)
            {
                var back = random.Next(6) == 0;
                var at = back
                    ? time - random.NextInt64(0, random.Next(2) == 0 ? spec.Grace + spec.Advance + 1 : spec.Size + spec.Grace + 2 * spec.Advance)
                    : time + random.NextInt64(0, Math.Max(2, spec.Advance * 2));
                if (!back)
                {
                    time = at;
                }

                events.Add(new Event(key, version, at, random.Next(4)));
            }

            log[key] = events;
        }

        return log;
    }

    /// <summary>Every event once, shuffled across and within keys, with one in ten delivered twice.</summary>
    private static List<Event> Deliveries(Random random, Dictionary<long, List<Event>> log)
    {
        var deliveries = log.Values.SelectMany(e => e).ToList();
        deliveries.AddRange(deliveries.Where(_ => random.Next(10) == 0).ToList());
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(deliveries));
        return deliveries;
    }

    /// <summary>What a consumer grain does: apply; on a gap, read the key's stream after its version from the log first.</summary>
    private static WindowedAggregate Replay(WindowSpec spec, List<Event> deliveries, Dictionary<long, List<Event>> log)
    {
        var aggregate = new WindowedAggregate(spec);
        foreach (var e in deliveries)
        {
            if (aggregate.Apply(e.Key, e.Version, e.Time, e.Value).Outcome == WindowOutcome.Gap)
            {
                foreach (var missed in log[e.Key].Where(m => m.Version > aggregate.VersionOf(e.Key) && m.Version <= e.Version))
                {
                    aggregate.Apply(missed.Key, missed.Version, missed.Time, missed.Value);
                }
            }
        }

        return aggregate;
    }

    /// <summary>
    /// The definition, computed directly: an event counts in window [end - size, end) when its time is in it and the
    /// latest time among its key's events up to it (in version order) is before end + grace.
    /// </summary>
    private static Dictionary<(long Key, long End), long> Batch(WindowSpec spec, Dictionary<long, List<Event>> log)
    {
        var windows = new Dictionary<(long, long), long>();
        foreach (var (key, events) in log)
        {
            var streamTime = long.MinValue;
            foreach (var e in events.OrderBy(e => e.Version))
            {
                streamTime = Math.Max(streamTime, e.Time);
                var firstEnd = (long)Math.Floor(e.Time / (double)spec.Advance) * spec.Advance + spec.Advance;
                for (var end = firstEnd; end - spec.Size <= e.Time; end += spec.Advance)
                {
                    if (e.Time >= end - spec.Size && e.Time < end && end + spec.Grace > streamTime && e.Value != 0)
                    {
                        windows[(key, end)] = windows.GetValueOrDefault((key, end)) + e.Value;
                    }
                }
            }
        }

        return windows;
    }

    private static long LateInBatch(WindowSpec spec, Dictionary<long, List<Event>> log)
    {
        long late = 0;
        foreach (var events in log.Values)
        {
            var streamTime = long.MinValue;
            foreach (var e in events.OrderBy(e => e.Version))
            {
                streamTime = Math.Max(streamTime, e.Time);
                var firstEnd = (long)Math.Floor(e.Time / (double)spec.Advance) * spec.Advance + spec.Advance;
                if (e.Value != 0 && firstEnd + spec.Grace <= streamTime)
                {
                    late++;
                }
            }
        }

        return late;
    }

    private static int ShardOf(long key, int shards) => (int)(key * 2654435761 % shards);
}
