using Actors.News;
using BenchmarkDotNet.Attributes;

namespace Actors.Benchmarks;

/// <summary>
/// What a news grain pays on activation to rebuild a much-voted news from its stream: the fold of one submission and
/// <see cref="Votes"/> votes (up and down mixed, a few comment votes), the whole replay per operation. The target is
/// well under 1 ms per thousand votes, so a news with 100,000 votes activates in well under 100 ms.
/// </summary>
[MemoryDiagnoser]
public class NewsReplayBenchmarks
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private INewsEvent[] _history = [];

    [Params(10_000, 100_000)]
    public int Votes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const long author = 1;
        var history = new List<INewsEvent>(Votes + 3)
        {
            new NewsSubmitted(42, author, "author", "A title", "https://example.com/a", Now),
            new NewsUpvoted(42, author, author, 0, Now),
            new CommentPosted(42, 1, -1, author, "author", "first", null, Now),
        };

        // Voter ids as a busy site hands them out: spread over a range wider than the votes, one in ten a down-vote,
        // one in a hundred also votes the comment.
        for (long i = 0; i < Votes; i++)
        {
            var voter = 2 + (i * 7919 % (Votes * 3L));
            history.Add(i % 10 == 9 ? new NewsDownvoted(42, voter, author, Now) : new NewsUpvoted(42, voter, author, 1, Now));
            if (i % 100 == 0)
            {
                history.Add(new CommentUpvoted(42, 1, voter, Now));
            }
        }

        _history = [.. history];
    }

    [Benchmark(Description = "Replay: fold the whole stream (activation)")]
    public NewsState Replay()
    {
        var state = NewsDecider.Initial;
        foreach (var e in _history)
        {
            state = NewsDecider.Evolve(state, e);
        }

        return state;
    }
}
