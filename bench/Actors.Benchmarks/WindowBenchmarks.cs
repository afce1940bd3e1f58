using Actors.Flows;
using Actors.News;
using BenchmarkDotNet.Attributes;

namespace Actors.Benchmarks;

/// <summary>
/// The windowed views' math (<see cref="WindowedAggregate"/>): windowed updates per second for trending's hopping
/// windows (60 min every minute, 2 min grace) and activity's tumbling minutes, 100,000 votes over <see cref="Keys"/>
/// news in an hour (one in twenty late, within grace or not), and the trending top-30 read after a vote (the read a
/// changed window costs: every active key's window summed, then sorted).
/// </summary>
[MemoryDiagnoser]
public class WindowBenchmarks
{
    private const int Events = 100_000;
    private static readonly long T0 = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private WindowInput[] _inputs = [];
    private long[] _versions = [];
    private WindowedView _trending = null!;
    private WindowedView _activity = null!;
    private WindowedAggregate _read = null!;
    private long _readVersion;

    [Params(1_000, 10_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new TrendingOptions();
        _trending = NewsWindows.Trending(options);
        _activity = NewsWindows.Activity(options);
        var random = new Random(5);
        var next = new long[Keys + 1];
        _inputs = new WindowInput[Events];
        _versions = new long[Events];
        for (var i = 0; i < Events; i++)
        {
            var key = random.Next(1, Keys + 1);
            var time = T0 + (i * 3_600_000L / Events);
            if (random.Next(20) == 0)
            {
                time -= random.NextInt64(0, 10 * 60_000);
            }

            _inputs[i] = new WindowInput(key, time, 1);
            _versions[i] = ++next[key];
        }

        _read = _trending.NewAggregate();
        Apply(_read);
        _readVersion = next[1];
    }

    /// <summary>One operation = 100,000 windowed updates (divide: updates/s = 100,000 / time).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long TrendingUpdates() => Apply(_trending.NewAggregate());

    [Benchmark(OperationsPerInvoke = Events)]
    public long ActivityUpdates() => Apply(_activity.NewAggregate());

    /// <summary>A vote, then the top 30 of the open window (the vote invalidates the cached list).</summary>
    [Benchmark]
    public int VoteThenTop30()
    {
        _read.Apply(1, ++_readVersion, T0 + 3_599_000, 1);
        return _read.Top(T0 + 3_600_000, 30).Count;
    }

    private long Apply(WindowedAggregate aggregate)
    {
        for (var i = 0; i < _inputs.Length; i++)
        {
            var input = _inputs[i];
            aggregate.Apply(input.Key, _versions[i], input.Time, input.Value);
        }

        return aggregate.LateEvents;
    }
}
