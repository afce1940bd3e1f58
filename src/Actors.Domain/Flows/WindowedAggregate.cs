namespace Actors.Flows;

/// <summary>What <see cref="WindowedAggregate.Apply"/> did with an event.</summary>
public enum WindowOutcome
{
    /// <summary>Added to every window it falls in (or it carries no value: only the key's version and stream time moved).</summary>
    Applied,

    /// <summary>Late, within grace for some of its windows: added to those, kept out of the closed ones.</summary>
    PartlyLate,

    /// <summary>Later than grace for every window it falls in: kept out of all of them.</summary>
    Late,

    /// <summary>At or below the key's version: applied before (at-least-once delivery, or seen while rebuilding).</summary>
    Duplicate,

    /// <summary>Not the key's next version: the caller reads the versions in between from the log first.</summary>
    Gap,
}

/// <param name="Outcome">What happened.</param>
/// <param name="KnownVersion">The key's version before the event (what a <see cref="WindowOutcome.Gap"/> reads after).</param>
/// <param name="WindowsKeptOut">How many of the event's windows had closed.</param>
public readonly record struct WindowApplied(WindowOutcome Outcome, long KnownVersion, long WindowsKeptOut);

/// <summary>One key and its value in a window: what a top-K list is made of.</summary>
public readonly record struct Ranked(long Key, long Value);

/// <summary>
/// A keyed windowed aggregation (sum of values per key per window) by event time, pure: no clock, no I/O. Every key is
/// one event stream (an aggregate) whose events are applied once each and in version order; a key's <em>stream
/// time</em> is the latest event time among its events applied so far. An event is added to each of its windows
/// (<see cref="WindowSpec.EndsOf"/>) that is still open at the stream time it makes (<see cref="WindowSpec.IsOpen"/>:
/// end + grace after it), and kept out of the others.
/// <para>
/// Why stream time per key, not per consumer or per partition (Kafka Streams) or a source watermark (Flink): whether an
/// event is late then depends on the log alone (its stream, in version order), never on the order deliveries arrive in,
/// on how keys are spread over shards, or on when a rebuild happens. A replay from the log gives every window the same
/// value, and sharded views equal unsharded ones exactly.
/// </para>
/// <para>
/// Cost: windows are not stored one by one but as panes (one advance of time each, Li et al.'s "no pane, no gain"):
/// an event updates one pane, whatever the number of windows it falls in; a window's value is the sum of its panes.
/// Events kept out of some windows only (late within grace) are kept apart with the first window they count in.
/// </para>
/// </summary>
public sealed class WindowedAggregate(WindowSpec spec)
{
    private sealed class KeyState
    {
        public long Version;
        public long StreamTime = long.MinValue;
        public bool Ended;
        public Dictionary<long, long>? Panes;
        public List<(long Pane, long FirstEnd, long Value)>? Partials;

        public bool HasWindows => Panes is { Count: > 0 } || Partials is { Count: > 0 };
    }

    private readonly Dictionary<long, KeyState> _keys = [];
    private readonly HashSet<long> _withWindows = [];
    private (long End, long Changes, Ranked[] List)? _top;

    public WindowSpec Spec { get; } = spec;

    /// <summary>Keys seen (every key keeps its version and stream time, so a repeat is always recognised).</summary>
    public int Keys => _keys.Count;

    /// <summary>Keys that have a value in some window still kept.</summary>
    public int KeysWithWindows => _withWindows.Count;

    /// <summary>Grows with every change of a window's value: a cache of reads is good while it stays the same.</summary>
    public long Changes { get; private set; }

    /// <summary>Events kept out of at least one window (late), since this aggregate was made.</summary>
    public long LateEvents { get; private set; }

    /// <summary>Windows ending at or before this were forgotten (<see cref="Evict"/>): events only in them add nothing.</summary>
    public long Horizon { get; private set; } = long.MinValue;

    /// <summary>The version of <paramref name="key"/>'s stream applied last (0: none).</summary>
    public long VersionOf(long key) => _keys.TryGetValue(key, out var state) ? state.Version : 0;

    /// <summary>
    /// Applies the event at <paramref name="version"/> of <paramref name="key"/>'s stream, which happened at
    /// <paramref name="time"/> and adds <paramref name="value"/> to its windows (0: an event the view does not count, which
    /// still moves the key's version and stream time). <paramref name="ends"/>: the key leaves every top-K list (e.g. a
    /// deleted news).
    /// </summary>
    public WindowApplied Apply(long key, long version, long time, long value, bool ends = false)
    {
        if (!_keys.TryGetValue(key, out var state))
        {
            state = new KeyState();
            _keys[key] = state;
        }

        var known = state.Version;
        if (version <= known)
        {
            return new WindowApplied(WindowOutcome.Duplicate, known, 0);
        }

        if (version != known + 1)
        {
            return new WindowApplied(WindowOutcome.Gap, known, 0);
        }

        state.Version = version;
        state.StreamTime = Math.Max(state.StreamTime, time);
        if (ends && !state.Ended)
        {
            state.Ended = true;
            Changes++;
        }

        var pane = Spec.PaneOf(time);
        var firstEnd = (pane + 1) * Spec.Advance;
        var lastEnd = (pane + Spec.PanesPerWindow) * Spec.Advance;
        if (value == 0 || lastEnd <= Horizon)
        {
            return new WindowApplied(WindowOutcome.Applied, known, 0);
        }

        // The first window still open: the oldest end after stream time - grace (WindowSpec.IsOpen).
        var firstOpen = Math.Max(firstEnd, Spec.NewestEndAt(state.StreamTime - Spec.Grace));
        if (firstOpen > lastEnd)
        {
            LateEvents++;
            return new WindowApplied(WindowOutcome.Late, known, Spec.PanesPerWindow);
        }

        Changes++;
        _withWindows.Add(key);
        if (firstOpen == firstEnd)
        {
            state.Panes ??= [];
            state.Panes[pane] = state.Panes.GetValueOrDefault(pane) + value;
            return new WindowApplied(WindowOutcome.Applied, known, 0);
        }

        LateEvents++;
        (state.Partials ??= []).Add((pane, firstOpen, value));
        return new WindowApplied(WindowOutcome.PartlyLate, known, (firstOpen - firstEnd) / Spec.Advance);
    }

    /// <summary><paramref name="key"/>'s value in the window ending at <paramref name="end"/> (0 when none).</summary>
    public long ValueAt(long key, long end) =>
        _keys.TryGetValue(key, out var state) ? ValueAt(state, end) : 0;

    private long ValueAt(KeyState state, long end)
    {
        var last = end / Spec.Advance; // panes [last - panes per window, last)
        var first = last - Spec.PanesPerWindow;
        long sum = 0;
        if (state.Panes is { } panes)
        {
            if (panes.Count <= Spec.PanesPerWindow)
            {
                foreach (var (pane, value) in panes)
                {
                    if (pane >= first && pane < last)
                    {
                        sum += value;
                    }
                }
            }
            else
            {
                for (var pane = first; pane < last; pane++)
                {
                    sum += panes.GetValueOrDefault(pane);
                }
            }
        }

        if (state.Partials is { } partials)
        {
            foreach (var (pane, firstEnd, value) in partials)
            {
                if (pane >= first && pane < last && firstEnd <= end)
                {
                    sum += value;
                }
            }
        }

        return sum;
    }

    /// <summary>
    /// <paramref name="key"/>'s values in <paramref name="count"/> consecutive windows, the first ending at
    /// <paramref name="firstEnd"/> (a multiple of the advance): a time series in one pass over its panes.
    /// </summary>
    public long[] Series(long key, long firstEnd, int count)
    {
        var series = new long[count];
        if (!_keys.TryGetValue(key, out var state) || !state.HasWindows)
        {
            return series;
        }

        // Pane values from the first window's first pane to the last window's last, then a running sum over them.
        var firstPane = firstEnd / Spec.Advance - Spec.PanesPerWindow;
        var panes = new long[count + Spec.PanesPerWindow - 1];
        if (state.Panes is { } kept)
        {
            foreach (var (pane, value) in kept)
            {
                if (pane >= firstPane && pane - firstPane < panes.Length)
                {
                    panes[pane - firstPane] += value;
                }
            }
        }

        long running = 0;
        for (var i = 0; i < panes.Length; i++)
        {
            running += panes[i];
            var window = i - (Spec.PanesPerWindow - 1);
            if (window >= 0)
            {
                series[window] = running;
                running -= panes[window];
            }
        }

        if (state.Partials is { } partials)
        {
            for (var w = 0; w < count; w++)
            {
                var end = firstEnd + w * Spec.Advance;
                var last = end / Spec.Advance;
                foreach (var (pane, from, value) in partials)
                {
                    if (pane >= last - Spec.PanesPerWindow && pane < last && from <= end)
                    {
                        series[w] += value;
                    }
                }
            }
        }

        return series;
    }

    /// <summary>Every window of <paramref name="key"/> with a value other than 0, oldest first.</summary>
    public IEnumerable<(long End, long Value)> Windows(long key)
    {
        if (!_keys.TryGetValue(key, out var state) || !state.HasWindows)
        {
            yield break;
        }

        var panes = (state.Panes?.Keys ?? Enumerable.Empty<long>()).Concat(state.Partials?.Select(p => p.Pane) ?? []).ToArray();
        var from = (panes.Min() + 1) * Spec.Advance;
        var to = (panes.Max() + Spec.PanesPerWindow) * Spec.Advance;
        var count = (int)((to - from) / Spec.Advance) + 1;
        var series = Series(key, from, count);
        for (var i = 0; i < count; i++)
        {
            if (series[i] != 0)
            {
                yield return (from + i * Spec.Advance, series[i]);
            }
        }
    }

    /// <summary>
    /// The <paramref name="k"/> keys with the largest positive values in the window ending at <paramref name="end"/>, by
    /// <see cref="TopK.Order"/>; ended keys are left out. Kept until a value changes or another window is asked.
    /// </summary>
    public IReadOnlyList<Ranked> Top(long end, int k)
    {
        if (_top is not { } cached || cached.End != end || cached.Changes != Changes)
        {
            var all = new List<Ranked>();
            foreach (var key in _withWindows)
            {
                var state = _keys[key];
                if (!state.Ended && ValueAt(state, end) is > 0 and var value)
                {
                    all.Add(new Ranked(key, value));
                }
            }

            all.Sort(TopK.Order);
            cached = (end, Changes, [.. all]);
            _top = cached;
        }

        return cached.List.Length <= k ? cached.List : cached.List[..k];
    }

    /// <summary>
    /// Forgets the panes whose every window ended at or before <paramref name="horizon"/> (windows ending later keep their
    /// exact values; earlier ones read 0). Keys keep their version and stream time.
    /// </summary>
    public void Evict(long horizon)
    {
        if (horizon <= Horizon)
        {
            return;
        }

        Horizon = horizon;
        var gone = new List<long>();
        foreach (var key in _withWindows)
        {
            var state = _keys[key];
            if (state.Panes is { } panes)
            {
                foreach (var pane in panes.Keys)
                {
                    if ((pane + Spec.PanesPerWindow) * Spec.Advance <= horizon)
                    {
                        panes.Remove(pane);
                    }
                }
            }

            state.Partials?.RemoveAll(p => (p.Pane + Spec.PanesPerWindow) * Spec.Advance <= horizon);
            if (!state.HasWindows)
            {
                state.Panes = null;
                state.Partials = null;
                gone.Add(key);
            }
        }

        foreach (var key in gone)
        {
            _withWindows.Remove(key);
        }

        Changes++;
    }

    /// <summary>
    /// The whole state (every key's version and stream time, the panes and late parts kept, the horizon and the late
    /// count) in a compact binary form: what a checkpoint stores. <see cref="Read"/> gives back an equal aggregate.
    /// </summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(Horizon);
        writer.Write(LateEvents);
        writer.Write(_keys.Count);
        foreach (var (key, state) in _keys)
        {
            writer.Write(key);
            writer.Write(state.Version);
            writer.Write(state.StreamTime);
            writer.Write(state.Ended);
            writer.Write(state.Panes?.Count ?? 0);
            foreach (var (pane, value) in state.Panes ?? [])
            {
                writer.Write(pane);
                writer.Write(value);
            }

            writer.Write(state.Partials?.Count ?? 0);
            foreach (var (pane, firstEnd, value) in state.Partials ?? [])
            {
                writer.Write(pane);
                writer.Write(firstEnd);
                writer.Write(value);
            }
        }
    }

    /// <summary>An aggregate of <paramref name="spec"/> as <see cref="Write"/> wrote it (a malformed input throws <see cref="EndOfStreamException"/> or <see cref="InvalidDataException"/>).</summary>
    public static WindowedAggregate Read(WindowSpec spec, BinaryReader reader)
    {
        var aggregate = new WindowedAggregate(spec) { Horizon = reader.ReadInt64(), LateEvents = reader.ReadInt64() };
        var keys = reader.ReadInt32();
        if (keys < 0)
        {
            throw new InvalidDataException("negative key count");
        }

        for (var i = 0; i < keys; i++)
        {
            var key = reader.ReadInt64();
            var state = new KeyState { Version = reader.ReadInt64(), StreamTime = reader.ReadInt64(), Ended = reader.ReadBoolean() };
            var panes = reader.ReadInt32();
            if (panes > 0)
            {
                state.Panes = new Dictionary<long, long>(panes);
                for (var p = 0; p < panes; p++)
                {
                    state.Panes[reader.ReadInt64()] = reader.ReadInt64();
                }
            }

            var partials = reader.ReadInt32();
            if (partials > 0)
            {
                state.Partials = new List<(long, long, long)>(partials);
                for (var p = 0; p < partials; p++)
                {
                    state.Partials.Add((reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64()));
                }
            }

            aggregate._keys[key] = state;
            if (state.HasWindows)
            {
                aggregate._withWindows.Add(key);
            }
        }

        return aggregate;
    }
}

/// <summary>Top-K lists: one order, and the merge of the lists of shards that each hold a part of the keys.</summary>
public static class TopK
{
    /// <summary>Largest value first; among equal values the larger key (for news ids: the newer news) first.</summary>
    public static readonly Comparison<Ranked> Order = static (a, b) =>
        a.Value != b.Value ? b.Value.CompareTo(a.Value) : b.Key.CompareTo(a.Key);

    /// <summary>
    /// The top <paramref name="k"/> of the union of <paramref name="shards"/>' top-<paramref name="k"/> lists. Exact when
    /// every key lives in one shard only: a key of the global top k is in its own shard's top k, since every key above it
    /// there is above it globally too.
    /// </summary>
    public static IReadOnlyList<Ranked> Merge(IEnumerable<IReadOnlyList<Ranked>> shards, int k)
    {
        var all = shards.SelectMany(s => s).ToList();
        all.Sort(Order);
        return all.Count <= k ? all : all.GetRange(0, k);
    }
}
