using Actors.News;
using BenchmarkDotNet.Attributes;

namespace Actors.Benchmarks;

/// <summary>
/// The news decider on an item that already carries <see cref="Votes"/> votes: what one vote costs to decide and to fold
/// in, and what a grain pays to rebuild the state from its whole stream on activation.
/// </summary>
[MemoryDiagnoser]
public class NewsDeciderBenchmarks
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly NewsOptions _options = new();
    private NewsState _state = NewsState.Initial;
    private INewsEvent[] _history = [];
    private NewsCommand.Vote _newVoter = null!;
    private NewsCommand.Vote _repeatVoter = null!;
    private NewsUpvoted _nextUpvote = null!;

    [Params(10, 1_000, 10_000)]
    public int Votes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const long author = 1;
        var history = new List<INewsEvent> { new NewsSubmitted(42, author, "author", "A title", "https://example.com/a", Now) };
        for (long voter = 2; voter < Votes + 1; voter++)
        {
            history.Add(new NewsUpvoted(42, voter, author, 1, Now));
        }

        _history = [.. history];
        _state = Replay();
        _newVoter = new NewsCommand.Vote(Votes + 100, VoteDirection.Up, VotePrices.Of(_options), Now);
        _repeatVoter = new NewsCommand.Vote(Votes / 2 + 1, VoteDirection.Up, VotePrices.Of(_options), Now);
        _nextUpvote = new NewsUpvoted(42, Votes + 100, author, 1, Now);
    }

    [Benchmark(Description = "Decide: up-vote by a new voter (accepted)")]
    public Decision<INewsEvent> DecideNewVote() => NewsDecider.Decide(_newVoter, _state);

    [Benchmark(Description = "Decide: second vote by the same voter (rejected)")]
    public Decision<INewsEvent> DecideRepeatVote() => NewsDecider.Decide(_repeatVoter, _state);

    [Benchmark(Description = "Evolve: one more up-vote")]
    public NewsState EvolveUpvote() => NewsDecider.Evolve(_state, _nextUpvote);

    [Benchmark(Description = "Decide + Evolve: one accepted vote")]
    public NewsState DecideAndEvolve()
    {
        var decision = NewsDecider.Decide(_newVoter, _state);
        var state = _state;
        foreach (var e in decision.Events)
        {
            state = NewsDecider.Evolve(state, e);
        }

        return state;
    }

    [Benchmark(Description = "Score of the state (up/down counts + formula)")]
    public double StateScore() => _state.Score(_options);

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
