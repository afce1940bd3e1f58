using Actors.EventSourcing;
using Actors.Hosting;
using Actors.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Accounts;

/// <summary>A bank account: a thin shell around <see cref="Account"/> (load, decide, append, evolve, reply).</summary>
public sealed class AccountGrain([FromKeyedServices(DomainClock.Key)] TimeProvider time) : EventSourcedGrain<AccountState, IAccountEvent>, IAccountGrain
{
    private Guid Id => this.GetPrimaryKey();

    protected override string StreamId => AccountIds.StreamOf(Id);

    protected override AccountState Initial => Account.Initial;

    /// <summary>Accounts live long and move often: activation starts from a snapshot taken every 100 events.</summary>
    protected override int SnapshotEvery => 100;

    /// <summary>Bump when <see cref="AccountState"/> changes: older snapshots are then ignored (the stream is folded instead).</summary>
    protected override string SnapshotShape => "accounts.state/1";

    protected override AccountState Evolve(AccountState state, IAccountEvent @event) => Account.Evolve(state, @event);

    /// <summary>Transfers record an account's legs in their own atomic appends: a moved stream is news to catch up on, not a split brain.</summary>
    protected override bool CatchUpOnConflict => true;

    public Task<AccountReply> Open(long owner, string currency) => Handle(new OpenAccount(Id, owner, currency, time.GetUtcNow()));

    public Task<AccountReply> Deposit(long by, long amount) => Handle(new DepositMoney(amount, by, time.GetUtcNow()));

    public Task<AccountReply> Withdraw(long by, long amount) => Handle(new WithdrawMoney(amount, by, time.GetUtcNow()));

    public Task<AccountReply> Close(long by) => Handle(new CloseAccount(by, time.GetUtcNow()));

    public Task<AccountReply> DebitForTransfer(string transferId, Guid to, long amount, long by) =>
        Handle(new DebitTransfer(transferId, to, amount, by, time.GetUtcNow()), TransferCause(transferId));

    public Task<AccountReply> CreditForTransfer(string transferId, Guid from, long amount, string currency) =>
        Handle(new CreditTransfer(transferId, from, amount, currency, time.GetUtcNow()), TransferCause(transferId));

    public Task<AccountReply> RefundTransfer(string transferId, string reason) =>
        Handle(new RefundTransfer(transferId, reason, time.GetUtcNow()), TransferCause(transferId));

    public Task<AccountReply> SettleTransfer(string transferId) =>
        Handle(new SettleTransfer(transferId, time.GetUtcNow()), TransferCause(transferId));

    public Task<PreparedLeg> PrepareTransferOut(string transferId, Guid to, long amount, long by, long atLeastVersion) =>
        Prepare(new SendTransfer(transferId, to, amount, by, time.GetUtcNow()), atLeastVersion);

    public Task<PreparedLeg> PrepareTransferIn(string transferId, Guid from, long amount, string currency, long atLeastVersion) =>
        Prepare(new CreditTransfer(transferId, from, amount, currency, time.GetUtcNow()), atLeastVersion);

    public Task Learn(IReadOnlyList<RecordedEvent> committed) => LearnAsync(committed);

    public Task<AccountView?> GetView() => Task.FromResult(State.ToView(Version));

    public async Task<AccountView?> GetViewAsOfVersion(long version)
    {
        var history = await Log.ReadStreamAsync(StreamId);
        return Fold(history.TakeWhile(e => e.Version <= version));
    }

    public async Task<AccountView?> GetViewAsOfInstant(DateTimeOffset instant)
    {
        var history = await Log.ReadStreamAsync(StreamId);
        return Fold(history.TakeWhile(e => e.RecordedAt <= instant));
    }

    public Task<long> GetPosition() => Task.FromResult(Position);

    public Task<IReadOnlyList<RecordedEvent>> GetHistory() => Log.ReadStreamAsync(StreamId);

    private IEventLog Log => ServiceProvider.GetRequiredService<IEventLog>();

    private static AccountView? Fold(IEnumerable<RecordedEvent> events)
    {
        var state = Account.Initial;
        long version = 0;
        foreach (var e in events)
        {
            state = Account.Evolve(state, (IAccountEvent)e.Data);
            version = e.Version;
        }

        return state.ToView(version);
    }

    private async Task<AccountReply> Handle(AccountCommand command, string? causationId = null)
    {
        var (rejection, events) = await DecideAsync(state => Account.Decide(command, state), causationId, command.GetType().Name);
        // A refusal carries no view: the caller may not be the owner, and a refusal must never leak the balance.
        return rejection is null
            ? new AccountReply(State.ToView(Version), null) { Position = events.Count > 0 ? events[^1].Position : 0 }
            : new AccountReply(null, rejection);
    }

    private async Task<PreparedLeg> Prepare(AccountCommand command, long atLeastVersion)
    {
        var (version, decision) = await PrepareAsync(state => Account.Decide(command, state), atLeastVersion);
        if (decision.Rejection is { } rejection)
        {
            // Final: the transfer records the refusal. An accepted leg is counted by the transfer once it is recorded.
            ActorsMetrics.RecordDecision(nameof(AccountGrain), command.GetType().Name, "rejected", rejection);
        }

        return new PreparedLeg(version, decision.Events, decision.Rejection, State.Currency);
    }

    private static string TransferCause(string transferId) => AccountIds.TransferStreamOf(transferId);
}
