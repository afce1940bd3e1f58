namespace Actors.News;

/// <summary>
/// The windowed views of news activity (section <c>Trending</c>): trending news (votes and comments in hopping windows
/// of <see cref="WindowSeconds"/> every <see cref="AdvanceSeconds"/>) and each news' votes per
/// <see cref="ActivityBucketSeconds"/> over <see cref="ActivityHours"/>, both by event time with
/// <see cref="GraceSeconds"/> of grace. Checked at start: settings that make no windows stop the process with a sentence.
/// </summary>
public sealed class TrendingOptions
{
    public const string Section = "Trending";

    /// <summary>false: no windowed views at all (their consumer is not registered: no delivery, no state, no CPU).</summary>
    public bool Enabled { get; set; } = true;

    public int WindowSeconds { get; set; } = 3600;
    public int AdvanceSeconds { get; set; } = 60;
    public int GraceSeconds { get; set; } = 120;
    public int ActivityBucketSeconds { get; set; } = 60;
    public int ActivityHours { get; set; } = 24;

    /// <summary>PostgreSQL mode: how often each shard stores a checkpoint of its windows (a restart reads it and the events after). 0: never.</summary>
    public int CheckpointSeconds { get; set; } = 60;

    /// <summary>Why these settings make no windows, or null when they do.</summary>
    public string? Problem()
    {
        if (ActivityHours is < 1 or > 168)
        {
            return $"Trending:ActivityHours must be between 1 and 168 (was {ActivityHours}).";
        }

        return Flows.WindowSpec.Problem("Trending:WindowSeconds/AdvanceSeconds/GraceSeconds", WindowSeconds * 1000L, AdvanceSeconds * 1000L, GraceSeconds * 1000L)
            ?? Flows.WindowSpec.Problem("Trending:ActivityBucketSeconds/ActivityHours", ActivityHours * 3_600_000L, ActivityBucketSeconds * 1000L, GraceSeconds * 1000L)
            ?? ((ActivityHours * 3600) % ActivityBucketSeconds != 0 ? $"Trending:ActivityBucketSeconds ({ActivityBucketSeconds}) must divide ActivityHours ({ActivityHours} h)." : null);
    }
}
