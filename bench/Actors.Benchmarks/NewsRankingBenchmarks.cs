using Actors.News;
using BenchmarkDotNet.Attributes;

namespace Actors.Benchmarks;

/// <summary>
/// The Lamernews score and rank formulas, one call each, and the re-rank of a whole list of <see cref="News"/> items.
/// <para>
/// The top-list structure itself (entries, binary insertion, per-second re-sort, page cache) is private to
/// <c>NewsRankingGrain</c> and cannot be called without a silo. <see cref="RerankAndSortAll"/> reproduces only its
/// per-second step over plain arrays with the real formulas, so it bounds the cost of the first top-list read of each
/// second; it is not the grain's code.
/// </para>
/// </summary>
[MemoryDiagnoser]
public class NewsRankingBenchmarks
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly NewsOptions _options = new();
    private long _now;
    private long[] _createdAt = [];
    private double[] _scores = [];
    private double[] _ranks = [];
    private int[] _order = [];

    // Inputs in fields, not constants: the JIT would otherwise fold a formula with literal arguments away.
    private int _up = 150;
    private int _down = 12;
    private double _score = 42.5;
    private long _age = 3_600;
    private DateTimeOffset _created = Now.AddHours(-5);
    private DateTimeOffset _at = Now;

    [Params(1_000, 10_000)]
    public int News { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _now = Now.ToUnixTimeSeconds();
        _createdAt = new long[News];
        _scores = new double[News];
        _ranks = new double[News];
        _order = new int[News];
        for (var i = 0; i < News; i++)
        {
            // Ages spread over three days so a part of the list is past TopNewsAgeLimit, as on a live site.
            _createdAt[i] = _now - random.Next(0, 3 * 86_400);
            _scores[i] = NewsRanking.Score(random.Next(1, 200), random.Next(0, 20), _options);
        }
    }

    [Benchmark(Description = "Score(up, down)")]
    public double Score() => NewsRanking.Score(_up, _down, _options);

    [Benchmark(Description = "Rank(score, age)")]
    public double Rank() => NewsRanking.Rank(_score, _age, _options);

    [Benchmark(Description = "AgeSeconds(created, now)")]
    public long AgeSeconds() => NewsRanking.AgeSeconds(_created, _at);

    [Benchmark(Description = "Re-rank all + sort (model of the per-second step)")]
    public int RerankAndSortAll()
    {
        for (var i = 0; i < _ranks.Length; i++)
        {
            _ranks[i] = NewsRanking.Rank(_scores[i], _now - _createdAt[i], _options);
            _order[i] = i;
        }

        var ranks = _ranks;
        Array.Sort(_order, (a, b) => ranks[b].CompareTo(ranks[a]));
        return _order[0];
    }
}
