using Actors.News;
using BenchmarkDotNet.Attributes;

namespace Actors.Benchmarks;

/// <summary>
/// The top and latest lists (<see cref="NewsLists"/>, the ranking grain's whole state) at the size of a site that has run
/// for a year: news spread over 365 days, power-law votes (most news a few, a few thousands), some deleted. What the
/// grain does per front-page read, per vote and per submission, at 10,000, 100,000 and 1,000,000 news: the figures should
/// not grow with the size.
/// </summary>
[MemoryDiagnoser]
public class NewsListsBenchmarks
{
    private static readonly long Now = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
    private readonly NewsOptions _options = new();
    private NewsLists _lists = null!;
    private long _now;
    private long _nextId;
    private long[] _recent = [];
    private int _vote;

    [Params(10_000, 100_000, 1_000_000)]
    public int News { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _lists = new NewsLists(_options);
        var span = 365L * 86_400;
        for (var id = 1L; id <= News; id++)
        {
            var at = Now - span + span * id / News;
            _lists.Apply(new NewsSubmitted(id, id % 5_000, $"user{id % 5_000}", $"A title of news {id}", $"https://example.com/{id}", DateTimeOffset.FromUnixTimeSeconds(at)), 1);
            // Pareto-like: 1 / u^1.2, so about half the news get one or two votes and one in a thousand gets thousands.
            var votes = (int)Math.Min(5_000, Math.Pow(1 - random.NextDouble(), -1 / 1.2));
            for (var v = 0; v < votes; v++)
            {
                Vote(id, random.Next(10) == 0);
            }

            if (random.Next(100) == 0)
            {
                _lists.Apply(new NewsDeleted(id, 1, DateTimeOffset.FromUnixTimeSeconds(at)), _lists.VersionOf(id) + 1);
            }
        }

        _now = Now;
        _nextId = News + 1;
        _recent = Enumerable.Range(News - 500, 500).Select(i => (long)i).ToArray();
        _lists.Top(_now, 0, 30);
    }

    [Benchmark(Description = "first top-30 read of a second")]
    public int FirstTopReadOfASecond() => _lists.Top(++_now, 0, 30).Items.Count;

    [Benchmark(Description = "up-vote on a recent news, then a top-30 read in the same second")]
    public int VoteThenRead()
    {
        Vote(_recent[_vote++ % _recent.Length], down: false);
        return _lists.Top(_now, 0, 30).Items.Count;
    }

    [Benchmark(Description = "submission of a news (and its automatic vote)")]
    public long Submit()
    {
        var id = _nextId++;
        _lists.Apply(new NewsSubmitted(id, 1, "user1", "A new title", $"https://example.com/{id}", DateTimeOffset.FromUnixTimeSeconds(_now)), 1);
        Vote(id, down: false);
        return id;
    }

    [Benchmark(Description = "latest 30 at the first page, after a change")]
    public int LatestRead()
    {
        Vote(_recent[_vote++ % _recent.Length], down: false);
        return _lists.Latest(0, 30).Items.Count;
    }

    private void Vote(long id, bool down) =>
        _lists.Apply(down ? new NewsDownvoted(id, 9, 1, DateTimeOffset.FromUnixTimeSeconds(_now)) : new NewsUpvoted(id, 9, 1, 1, DateTimeOffset.FromUnixTimeSeconds(_now)), _lists.VersionOf(id) + 1);
}
