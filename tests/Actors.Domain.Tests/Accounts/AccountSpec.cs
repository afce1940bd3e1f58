using Actors.Accounts;

namespace Actors.Tests.Accounts;

/// <summary>Given(events) / When(command) / Then(events or rejection) over the account decider.</summary>
public abstract class AccountSpec
{
    protected static readonly Guid Id = Guid.Parse("0b9b6c1e-55b4-4d8e-9a56-2a4c6a0e0001");
    protected static readonly Guid Other = Guid.Parse("0b9b6c1e-55b4-4d8e-9a56-2a4c6a0e0002");
    protected const long Owner = 7;
    protected const long Stranger = 8;
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset Now = T0.AddHours(1);

    private IAccountEvent[] _given = [];

    protected AccountSpec Given(params IAccountEvent[] events)
    {
        _given = events;
        return this;
    }

    protected static IAccountEvent Opened(string currency = "EUR") => new AccountOpened(Id, Owner, currency, T0);

    protected static IAccountEvent Deposited(long amount) => new MoneyDeposited(Id, amount, Owner, T0);

    public AccountState State => _given.Aggregate(AccountDecider.Initial, AccountDecider.Evolve);

    public void Then(AccountCommand command, params IAccountEvent[] expected)
    {
        var decision = AccountDecider.Decide(command, State);
        Assert.Null(decision.Rejection);
        Assert.Equal(expected, decision.Events);
    }

    public void ThenRejected(AccountCommand command, Rejection expected)
    {
        var decision = AccountDecider.Decide(command, State);
        Assert.Equal(expected, decision.Rejection);
        Assert.Empty(decision.Events);
    }

    /// <summary>Deciding again on the state after the accepted events changes nothing: the command is idempotent.</summary>
    public void ThenRepeatingIsANoOp(AccountCommand command)
    {
        var first = AccountDecider.Decide(command, State);
        Assert.NotEmpty(first.Events);
        var after = first.Events.Aggregate(State, AccountDecider.Evolve);
        var second = AccountDecider.Decide(command, after);
        Assert.False(second.IsRejected);
        Assert.Empty(second.Events);
    }
}
