namespace Actors.News;

/// <summary>The Lamernews score and rank formulas, with V = U + D (see the decisions table of the reference).</summary>
public static class NewsRanking
{
    /// <summary>
    /// <c>U - D + (V &gt; LogStart ? Booster * ln(V - LogStart) : 0)</c> with <c>V = U + D</c>: heavily voted news get a
    /// logarithmic bonus once they have more than NewsScoreLogStart votes in total.
    /// </summary>
    public static double Score(int up, int down, NewsOptions options)
    {
        var votes = up + down;
        var bonus = votes > options.NewsScoreLogStart ? options.NewsScoreLogBooster * Math.Log(votes - options.NewsScoreLogStart) : 0;
        return up - down + bonus;
    }

    /// <summary>
    /// <c>score * 1e6 / (age + NewsAgePadding) ^ RankAgingFactor</c>; news older than TopNewsAgeLimit get <c>-age</c> so
    /// they sink below everything. <paramref name="ageSeconds"/> is in whole seconds.
    /// </summary>
    public static double Rank(double score, long ageSeconds, NewsOptions options) =>
        ageSeconds > options.TopNewsAgeLimitSeconds
            ? -ageSeconds
            : score * 1_000_000 / Math.Pow(ageSeconds + options.NewsAgePaddingSeconds, options.RankAgingFactor);

    /// <summary>Whole seconds between creation and now, as Lamernews counts them (difference of Unix seconds).</summary>
    public static long AgeSeconds(DateTimeOffset createdAt, DateTimeOffset now) => now.ToUnixTimeSeconds() - createdAt.ToUnixTimeSeconds();
}
