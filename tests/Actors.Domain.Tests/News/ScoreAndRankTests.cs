using Actors.News;

namespace Actors.Tests.News;

/// <summary>The reference's worked values, with V = U + D (the decisions table) where the log bonus applies.</summary>
public class ScoreAndRankTests
{
    private readonly NewsOptions _options = new();

    [Theory]
    [InlineData(1, 0, 1.0)]
    [InlineData(10, 0, 10.0)] // V = 10: no bonus yet
    [InlineData(11, 0, 11.0)] // 2 ln(1) = 0
    [InlineData(21, 0, 25.7958)] // 21 + 2 ln 11 (Lamernews' V = floor(U/2) gave 21)
    [InlineData(24, 0, 29.2781)] // 24 + 2 ln 14 (Lamernews: 25.386)
    [InlineData(30, 10, 26.8024)] // 20 + 2 ln 30 (Lamernews: 24.605)
    [InlineData(100, 0, 108.9996)] // 100 + 2 ln 90 (Lamernews: 107.378)
    [InlineData(0, 0, 0.0)]
    [InlineData(1, 3, -2.0)]
    public void Score_is_up_minus_down_plus_a_log_bonus_past_ten_votes(int up, int down, double expected)
    {
        Assert.Equal(expected, NewsRanking.Score(up, down, _options), 4);
    }

    [Theory]
    [InlineData(1, 0, 12.4356)]
    [InlineData(1, 3600, 10.9245)]
    [InlineData(1, 86400, 2.7065)]
    [InlineData(5, 0, 62.178)]
    [InlineData(10, 86400, 27.065)]
    [InlineData(0, 100, 0.0)]
    public void Rank_is_the_reference_formula(double score, long age, double expected)
    {
        Assert.Equal(expected, NewsRanking.Rank(score, age, _options), 3);
    }

    [Fact]
    public void News_older_than_the_age_limit_rank_at_minus_their_age()
    {
        var age = _options.TopNewsAgeLimitSeconds + 1L;

        Assert.Equal(-age, NewsRanking.Rank(100, age, _options));
        Assert.True(NewsRanking.Rank(100, _options.TopNewsAgeLimitSeconds, _options) > 0);
    }

    [Fact]
    public void A_negative_score_gives_a_negative_rank()
    {
        Assert.True(NewsRanking.Rank(-1, 10, _options) < 0);
    }

    [Fact]
    public void Age_is_counted_in_whole_seconds()
    {
        var created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, 900, TimeSpan.Zero);

        Assert.Equal(1, NewsRanking.AgeSeconds(created, created.AddMilliseconds(200)));
        Assert.Equal(0, NewsRanking.AgeSeconds(created, created.AddMilliseconds(50)));
    }

    [Fact]
    public void The_constants_come_from_the_options()
    {
        var options = new NewsOptions { NewsScoreLogStart = 0, NewsScoreLogBooster = 1, NewsAgePaddingSeconds = 0, RankAgingFactor = 1 };

        Assert.Equal(2 + Math.Log(2), NewsRanking.Score(2, 0, options), 10);
        Assert.Equal(1e6 / 10, NewsRanking.Rank(1, 10, options), 6);
    }
}
