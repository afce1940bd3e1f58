using Actors.Flows;

namespace Actors.News;

/// <summary>The windowed views of the news category, one declaration each.</summary>
public static class NewsWindows
{
    public const string TrendingName = "trending";
    public const string ActivityName = "activity";

    /// <summary>
    /// Trending: per news, its up- and down-votes and comments (the author's own automatic up-vote is not activity) in
    /// hopping windows; a deleted news leaves the list.
    /// </summary>
    public static WindowedView Trending(TrendingOptions options) => new(
        TrendingName,
        "news", // NewsStreams.Category (Actors.Grains)
        WindowSpec.Of("Trending", options.WindowSeconds * 1000L, options.AdvanceSeconds * 1000L, options.GraceSeconds * 1000L),
        Retention: options.WindowSeconds * 1000L,
        Map: e => e switch
        {
            NewsUpvoted v => Input(v, v.VoterId == v.AuthorId ? 0 : 1),
            NewsDownvoted v => Input(v, 1),
            CommentPosted c => Input(c, 1),
            NewsDeleted d => Input(d, 0, ends: true),
            INewsEvent other => Input(other, 0),
            _ => null,
        });

    /// <summary>Activity: per news, its votes (up and down, not the author's own) in tumbling windows.</summary>
    public static WindowedView Activity(TrendingOptions options) => new(
        ActivityName,
        "news", // NewsStreams.Category (Actors.Grains)
        WindowSpec.Of("Activity", options.ActivityBucketSeconds * 1000L, options.ActivityBucketSeconds * 1000L, options.GraceSeconds * 1000L),
        Retention: options.ActivityHours * 3_600_000L,
        Map: e => e switch
        {
            NewsUpvoted v => Input(v, v.VoterId == v.AuthorId ? 0 : 1),
            NewsDownvoted v => Input(v, 1),
            INewsEvent other => Input(other, 0),
            _ => null,
        });

    /// <summary>Both, in the order a shard keeps them.</summary>
    public static IReadOnlyList<WindowedView> All(TrendingOptions options) => [Trending(options), Activity(options)];

    private static WindowInput Input(INewsEvent e, long value, bool ends = false) =>
        new(e.NewsId, e.At.ToUnixTimeMilliseconds(), value, ends);
}
