namespace Actors.Flows;

/// <summary>
/// Event-time windows of a windowed view, in milliseconds of Unix time: windows of <see cref="Size"/> that start every
/// <see cref="Advance"/> (hopping; tumbling when the two are equal), aligned to the epoch, each named by its end (a
/// multiple of <see cref="Advance"/>) and covering [end - size, end). An event of a key that arrives after that key's
/// stream time has passed a window's end by <see cref="Grace"/> or more is kept out of that window.
/// </summary>
public sealed record WindowSpec(long Size, long Advance, long Grace)
{
    /// <summary>Longest window, advance or grace a view may declare: a week.</summary>
    public const long MaxMilliseconds = 7L * 24 * 3600 * 1000;

    /// <summary>Most windows one event may belong to (size / advance): bounds the work of a read of one key.</summary>
    public const long MaxPanesPerWindow = 10_080;

    /// <summary>Windows per event.</summary>
    public long PanesPerWindow => Size / Advance;

    public bool IsTumbling => Size == Advance;

    /// <summary>The windows, or the sentence that says why these settings make none (null when they are valid).</summary>
    public static string? Problem(string name, long size, long advance, long grace)
    {
        if (size <= 0 || size > MaxMilliseconds)
        {
            return $"{name}: the window size must be between 1 ms and 7 days (was {size} ms).";
        }

        if (advance <= 0 || advance > size)
        {
            return $"{name}: the window advance must be between 1 ms and the window size, {size} ms (was {advance} ms).";
        }

        if (size % advance != 0)
        {
            return $"{name}: the window size ({size} ms) must be a whole number of advances ({advance} ms).";
        }

        if (size / advance > MaxPanesPerWindow)
        {
            return $"{name}: at most {MaxPanesPerWindow} advances per window (was {size / advance}).";
        }

        if (grace < 0 || grace > MaxMilliseconds)
        {
            return $"{name}: the grace period must be between 0 and 7 days (was {grace} ms).";
        }

        return null;
    }

    /// <summary>Valid windows, or an <see cref="ArgumentException"/> naming what is wrong.</summary>
    public static WindowSpec Of(string name, long size, long advance, long grace) =>
        Problem(name, size, advance, grace) is { } problem ? throw new ArgumentException(problem) : new WindowSpec(size, advance, grace);

    /// <summary>The pane (advance-long slice of time) that <paramref name="time"/> falls in.</summary>
    public long PaneOf(long time)
    {
        var pane = Math.DivRem(time, Advance, out var rest);
        return rest < 0 ? pane - 1 : pane;
    }

    /// <summary>The end of the newest window that contains <paramref name="time"/> (the open window at that instant).</summary>
    public long NewestEndAt(long time) => (PaneOf(time) + 1) * Advance;

    /// <summary>The ends of every window that contains <paramref name="time"/>, oldest first (window assignment).</summary>
    public IEnumerable<long> EndsOf(long time)
    {
        var pane = PaneOf(time);
        for (var k = 1; k <= PanesPerWindow; k++)
        {
            yield return (pane + k) * Advance;
        }
    }

    /// <summary>Whether a window ending at <paramref name="end"/> still takes events once its key's stream time is <paramref name="streamTime"/>.</summary>
    public bool IsOpen(long end, long streamTime) => end + Grace > streamTime;
}
