using Actors.Users;
using BenchmarkDotNet.Attributes;

namespace Actors.Benchmarks;

/// <summary>
/// The user decider's karma commands (every vote spends karma; every up-vote credits its author), on a user already
/// credited from <see cref="Sources"/> distinct news streams (the idempotency map grows with them).
/// </summary>
[MemoryDiagnoser]
public class UserKarmaBenchmarks
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private UserState _user = UserDecider.Initial;
    private UserState _poor = UserDecider.Initial;
    private UserKarmaCredited _credited = null!;
    private UserKarmaSpent _spent = null!;

    private readonly UserCommand.SpendKarma _spend = new(1, 1, "news.upvote", Now);
    private readonly UserCommand.SpendKarma _spendDownvote = new(30, 6, "news.downvote", Now);
    private readonly UserCommand.TickKarma _tick = new(3600, 1, Now.AddHours(2));
    private UserCommand.CreditKarma _creditNew = null!;
    private UserCommand.CreditKarma _creditRepeat = null!;

    [Params(10, 10_000)]
    public int Sources { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var created = new UserCommand.CreateUser(5, "someone", "hash", "token", "secret", 1, Guid.Empty, Now);
        _poor = Fold(UserDecider.Initial, UserDecider.Decide(created, UserDecider.Initial).Events);
        _user = _poor;
        for (var i = 0; i < Sources; i++)
        {
            _user = UserDecider.Evolve(_user, new UserKarmaCredited(5, 1, $"news-{i}", 2, Now));
        }

        _creditNew = new UserCommand.CreditKarma(1, $"news-{Sources + 1}", 2, Now);
        _creditRepeat = new UserCommand.CreditKarma(1, $"news-{Sources / 2}", 2, Now);
        _credited = new UserKarmaCredited(5, 1, $"news-{Sources + 1}", 2, Now);
        _spent = new UserKarmaSpent(5, 1, "news.upvote", Now);
    }

    private static UserState Fold(UserState state, IReadOnlyList<IUserEvent> events)
    {
        foreach (var e in events)
        {
            state = UserDecider.Evolve(state, e);
        }

        return state;
    }

    [Benchmark(Description = "Decide: spend karma for an up-vote")]
    public Decision<IUserEvent> SpendForUpvote() => UserDecider.Decide(_spend, _user);

    [Benchmark(Description = "Decide: spend karma, not enough (rejected)")]
    public Decision<IUserEvent> SpendRejected() => UserDecider.Decide(_spendDownvote, _poor);

    [Benchmark(Description = "Decide: credit karma from a new source")]
    public Decision<IUserEvent> CreditNew() => UserDecider.Decide(_creditNew, _user);

    [Benchmark(Description = "Decide: credit karma again (already done)")]
    public Decision<IUserEvent> CreditRepeat() => UserDecider.Decide(_creditRepeat, _user);

    [Benchmark(Description = "Decide: hourly karma tick")]
    public Decision<IUserEvent> Tick() => UserDecider.Decide(_tick, _user);

    [Benchmark(Description = "Evolve: karma spent")]
    public UserState EvolveSpent() => UserDecider.Evolve(_user, _spent);

    [Benchmark(Description = "Evolve: karma credited")]
    public UserState EvolveCredited() => UserDecider.Evolve(_user, _credited);
}
