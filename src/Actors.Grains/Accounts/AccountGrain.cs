using Actors.EventSourcing;
using Actors.Hosting;
using Actors.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Actors.Accounts;

/// <summary>A bank account: a thin shell around <see cref="Account"/> (load, decide, append, evolve, reply).</summary>
public sealed class AccountGrain([FromKeyedServices(DomainClock.Key)] TimeProvider time, IOptions<TransferOptions> options)
    : EventSourcedGrain<AccountState, IAccountEvent>, IAccountGrain
{
    private readonly int _keep = options.Value.TransferIdsKept;

    private Guid Id => this.GetPrimaryKey();

    protected override string StreamId => AccountIds.StreamOf(Id);

    protected override AccountState Initial => Account.Initial;

    /// <summary>Accounts live long and move often: activation starts from a snapshot taken every 100 events.</summary>
    protected override int SnapshotEvery => 100;

    /// <summary>Bump when <see cref="AccountState"/> changes: older snapshots are then ignored (the stream is folded instead).</summary>
    protected override string SnapshotShape => "accounts.state/2";

    protected override AccountState Evolve(AccountState state, IAccountEvent @event) => Account.Evolve(state, @event, _keep);

    /// <summary>Transfers record an account's legs in their own atomic appends: a moved stream is news to catch up on, not a split brain.</summary>
    protected override bool CatchUpOnConflict => true;

    public Task<AccountReply> Open(long owner, string currency) => Handle(new OpenAccount(Id, owner, currency, time.GetUtcNow()));

    public Task<AccountReply> Deposit(long by, long amount) => Handle(new DepositMoney(amount, by, time.GetUtcNow()));

    public Task<AccountReply> Withdraw(long by, long amount) => Handle(new WithdrawMoney(amount, by, time.GetUtcNow()));

    public Task<AccountReply> Close(long by) => Handle(new CloseAccount(by, time.GetUtcNow()));

    public Task<AccountReply> DebitForTransfer(string transferId, Guid to, long amount, long by) =>
        HandleStep(transferId, new DebitTransfer(transferId, to, amount, by, time.GetUtcNow()));

    public Task<AccountReply> CreditForTransfer(string transferId, Guid from, long amount, string currency) =>
        HandleStep(transferId, new CreditTransfer(transferId, from, amount, currency, time.GetUtcNow()));

    public Task<AccountReply> RefundTransfer(string transferId, string reason) =>
        HandleStep(transferId, new RefundTransfer(transferId, reason, time.GetUtcNow()));

    public Task<AccountReply> SettleTransfer(string transferId) =>
        HandleStep(transferId, new SettleTransfer(transferId, time.GetUtcNow()));

    /// <summary>
    /// A step of the step-by-step path, decided on the state with the transfer's legs recalled from the log when this
    /// account may have forgotten its id (<see cref="RecallAsync"/>), so an old transfer resumed or retried after its
    /// id was dropped is still moved exactly once.
    /// </summary>
    private async Task<AccountReply> HandleStep(string transferId, AccountCommand command)
    {
        var recalled = await RecallAsync(transferId);
        return await Handle(command, TransferCause(transferId), recalled is null ? null : state => Account.Recall(state, recalled));
    }

    /// <summary>
    /// This account's events of <paramref name="transferId"/> when it may have forgotten that id (retention rule,
    /// <see cref="TransferOptions.TransferIdsKept"/>), else null. Two reads, both only on a miss of an account that
    /// has forgotten anything: the transfer's own stream (a few events) says when it was requested, and a transfer
    /// requested after the newest forgotten leg is simply new; only an older one costs a read of this account's
    /// stream. The one-commit path needs neither: its append expects the transfer's stream empty, so legs decided
    /// afresh for an old transfer are never written (the version-0 fence).
    /// </summary>
    private async Task<IReadOnlyList<IAccountEvent>?> RecallAsync(string transferId)
    {
        await EnsureLoadedAsync();
        if (!Account.MayHaveForgotten(State, transferId))
        {
            return null;
        }

        var transfer = await Log.ReadStreamAsync(AccountIds.TransferStreamOf(transferId));
        var requestedAt = transfer.Select(e => e.Data switch
        {
            TransferRequested r => r.At,
            TransferMade m => m.At,
            _ => (DateTimeOffset?)null,
        }).FirstOrDefault(at => at is not null);
        if (requestedAt is { } at && !Account.MayHaveForgotten(State, transferId, at))
        {
            return null;
        }

        var history = await Log.ReadStreamAsync(StreamId);
        return [.. history.Select(e => (IAccountEvent)e.Data).Where(e => Account.TransferIdOf(e) == transferId)];
    }

    public async Task<TransferTogetherOutcome> TransferTogether(TransferTogether transfer)
    {
        var leg = LegOf(transfer, otherCurrency: null);
        var (version, decision) = await PrepareAsync(state => Account.Decide(leg, state));
        if (Refused(leg, decision) is { } outcome)
        {
            return outcome;
        }

        var other = GrainFactory.GetGrain<IAccountGrain>(OtherOf(transfer));
        TransferJoined joined;
        try
        {
            joined = await other.JoinTransfer(transfer, new PreparedLeg(version, decision.Events, State.Currency));
        }
        catch
        {
            // The leg may have been recorded (a lost reply): never answer from this state again; reload from the log.
            DeactivateOnIdle();
            throw;
        }

        if (joined.FirstLeg is { } recorded)
        {
            await LearnAsync(recorded);
        }
        else if (joined.Outcome == TransferTogetherOutcome.NotInOneCommit)
        {
            await CatchUpAsync(); // perhaps this stream was the one that had moved on
        }

        return joined.Outcome;
    }

    public async Task<TransferJoined> JoinTransfer(TransferTogether transfer, PreparedLeg first)
    {
        var leg = LegOf(transfer, first.Currency);
        var (_, decision) = await PrepareAsync(state => Account.Decide(leg, state));
        if (Refused(leg, decision) is { } outcome)
        {
            return new TransferJoined(outcome, null);
        }

        var cause = TransferCause(transfer.TransferId);
        var firstStream = AccountIds.StreamOf(OtherOf(transfer));
        try
        {
            var recorded = await AppendTogetherAsync(decision.Events,
            [
                new StreamAppend(firstStream, first.ExpectedVersion, [.. first.Events], MetadataFor(cause)),
                new StreamAppend(cause, 0, [.. transfer.TransferEvents], MetadataFor(null)),
            ], cause);
            ActorsMetrics.RecordDecision(nameof(AccountGrain), nameof(SendTransfer), "accepted", null);
            ActorsMetrics.RecordDecision(nameof(AccountGrain), nameof(CreditTransfer), "accepted", null);
            return new TransferJoined(new TransferTogetherOutcome(null, recorded[2]), recorded[1]);
        }
        catch (WrongExpectedVersionException)
        {
            // Nothing was written: a stream moved on (an account written by a lost activation, a transfer already
            // recorded). The step-by-step path settles it.
            await CatchUpAsync();
            return new TransferJoined(TransferTogetherOutcome.NotInOneCommit, null);
        }
        catch
        {
            // Outcome unknown (the log did not confirm): reload from the log before answering anything else.
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// This account's leg of <paramref name="transfer"/>. The account answering first does not know the other's currency
    /// (<paramref name="otherCurrency"/> null): as the target it credits in its own, and the source checks that one.
    /// </summary>
    private AccountCommand LegOf(TransferTogether transfer, string? otherCurrency) => Id == transfer.From
        ? new SendTransfer(transfer.TransferId, transfer.To, transfer.Amount, transfer.By, otherCurrency, time.GetUtcNow())
        : new CreditTransfer(transfer.TransferId, transfer.From, transfer.Amount, otherCurrency ?? State.Currency, time.GetUtcNow());

    private Guid OtherOf(TransferTogether transfer) => Id == transfer.From ? transfer.To : transfer.From;

    /// <summary>A refusal (counted here: it is final), or a leg already recorded (only the step-by-step path may finish it).</summary>
    private static TransferTogetherOutcome? Refused(AccountCommand leg, Decision<IAccountEvent> decision)
    {
        if (decision.Rejection is { } rejection)
        {
            ActorsMetrics.RecordDecision(nameof(AccountGrain), leg.GetType().Name, "rejected", rejection);
            return new TransferTogetherOutcome(rejection, null);
        }

        return decision.Events.Count == 0 ? TransferTogetherOutcome.NotInOneCommit : null;
    }

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

    private async Task<AccountReply> Handle(AccountCommand command, string? causationId = null, Func<AccountState, AccountState>? recall = null)
    {
        var (rejection, events) = await DecideAsync(
            state => Account.Decide(command, recall is null ? state : recall(state)), causationId, command.GetType().Name);
        // A refusal carries no view: the caller may not be the owner, and a refusal must never leak the balance.
        return rejection is null
            ? new AccountReply(State.ToView(Version), null) { Position = events.Count > 0 ? events[^1].Position : 0 }
            : new AccountReply(null, rejection);
    }

    private static string TransferCause(string transferId) => AccountIds.TransferStreamOf(transferId);
}
