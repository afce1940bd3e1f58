using Actors.EventSourcing;
using Actors.Hosting;
using Actors.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Actors.Accounts;

/// <summary>A bank account: a thin shell around <see cref="AccountDecider"/> (load, decide, append, evolve, reply).</summary>
public sealed class AccountGrain([FromKeyedServices(DomainClock.Key)] TimeProvider time, IOptions<TransferOptions> options)
    : MultiStreamGrain<AccountState, IAccountEvent>, IAccountGrain
{
    private readonly int _keep = options.Value.TransferIdsKept;

    private Guid Id => this.GetPrimaryKey();

    protected override string StreamId => AccountIds.StreamOf(Id);

    protected override AccountState Initial => AccountDecider.Initial;

    /// <summary>Accounts live long and move often: activation starts from a snapshot taken every 100 events.</summary>
    protected override int SnapshotEvery => 100;

    /// <summary>Bump when <see cref="AccountState"/> changes: older snapshots are then ignored (the stream is folded instead).</summary>
    protected override string SnapshotShape => "accounts.state/2";

    protected override AccountState Evolve(AccountState state, IAccountEvent @event) => AccountDecider.Evolve(state, @event, _keep);

    /// <summary>A transfer's commit may be appended by the other account: a moved stream is news to catch up on, not a split brain.</summary>
    protected override bool CatchUpOnConflict => true;

    public Task<AccountReply> Open(long owner, string currency) => Handle(new AccountCommand.Open(Id, owner, currency, time.GetUtcNow()));

    public Task<AccountReply> Deposit(long by, long amount) => Handle(new AccountCommand.Deposit(amount, by, time.GetUtcNow()));

    public Task<AccountReply> Withdraw(long by, long amount) => Handle(new AccountCommand.Withdraw(amount, by, time.GetUtcNow()));

    public Task<AccountReply> Close(long by) => Handle(new AccountCommand.Close(by, time.GetUtcNow()));

    public async Task<TransferCommitted> CommitTransfer(TransferCommit commit)
    {
        var index = commit.Prepared.Count;
        var leg = commit.Legs[index];
        var command = LegOf(commit, leg.Kind, index > 0 ? commit.Prepared[index - 1].Currency : null);
        // A new transfer's commit expects its stream empty, so legs decided afresh for an old id are never written (the
        // version-0 fence): only a transfer an older version left half done may need its forgotten legs recalled.
        var recalled = commit.TransferVersion > 0 ? await RecallAsync(commit.TransferId) : null;
        var (version, decision) = await PrepareAsync(
            state => AccountDecider.Decide(command, recalled is null ? state : TransferIdRetention.Recall(state, recalled)), LegName(leg.Kind));
        if (decision.Rejection is { } refusal)
        {
            return TransferCommitted.Refused(refusal, Id);
        }

        var prepared = new PreparedLeg(Id, version, decision.Events, State.Currency);
        TransferCommitted outcome;
        try
        {
            // This account keeps its turn until the commit is over: nothing can move it in between.
            outcome = index + 1 < commit.Legs.Count
                ? await GrainFactory.GetGrain<IAccountGrain>(commit.Legs[index + 1].Account)
                    .CommitTransfer(commit with { Prepared = [.. commit.Prepared, prepared] })
                : await AppendCommitAsync(commit, prepared);
        }
        catch
        {
            // The commit may have been made (a lost reply): never answer from this state again; reload from the log.
            DeactivateOnIdle();
            throw;
        }

        if (outcome.Recorded is { } recorded)
        {
            await LearnAsync(recorded[index + 1], LegName(leg.Kind));
        }
        else if (outcome.Moved is not null)
        {
            await CatchUpAsync(); // perhaps this stream was the one that had moved on
        }

        return outcome;
    }

    private static string LegName(TransferLegKind kind) => kind switch
    {
        TransferLegKind.Send => nameof(AccountCommand.Send),
        TransferLegKind.Receive => nameof(AccountCommand.Receive),
        TransferLegKind.Settle => nameof(AccountCommand.Settle),
        _ => nameof(AccountCommand.Refund),
    };

    /// <summary>The last account of the commit appends every leg and the transfer's events, all or nothing.</summary>
    private async Task<TransferCommitted> AppendCommitAsync(TransferCommit commit, PreparedLeg mine)
    {
        var cause = AccountIds.TransferStreamOf(commit.TransferId);
        // The transfer's record first: its position is then the commit's lowest, which the reply hands on (a reader of
        // either account that has reached it has the transfer).
        var others = new List<StreamAppend>(commit.Prepared.Count + 1)
        {
            new(cause, commit.TransferVersion, [.. commit.TransferEvents], MetadataFor(null)),
        };
        foreach (var leg in commit.Prepared)
        {
            others.Add(new StreamAppend(AccountIds.StreamOf(leg.Account), leg.ExpectedVersion, [.. leg.Events], MetadataFor(cause)));
        }

        try
        {
            var recorded = await AppendTogetherAsync(mine.Events, others, cause);
            // Answered in the commit's order: the transfer's events, then each leg's in the order of the legs.
            return TransferCommitted.Made([.. recorded.Skip(1), recorded[0]]);
        }
        catch (WrongExpectedVersionException e)
        {
            // Nothing was written: the transfer already exists (its stream is not where the commit expected), or an
            // account's stream was extended by a lost activation.
            if (e.StreamId == StreamId)
            {
                await CatchUpAsync();
            }

            return TransferCommitted.StreamMoved(e.StreamId);
        }
    }

    /// <summary>
    /// This account's command for its leg. The account asked first does not know the other's currency
    /// (<paramref name="otherCurrency"/> null): as the target it takes the money in its own, and the source checks that one.
    /// </summary>
    private AccountCommand LegOf(TransferCommit c, TransferLegKind kind, string? otherCurrency) => kind switch
    {
        TransferLegKind.Send => new AccountCommand.Send(c.TransferId, c.To, c.Amount, c.By, otherCurrency ?? c.Currency, time.GetUtcNow()),
        TransferLegKind.Receive => new AccountCommand.Receive(c.TransferId, c.From, c.Amount, otherCurrency ?? c.Currency, time.GetUtcNow()),
        TransferLegKind.Settle => new AccountCommand.Settle(c.TransferId, time.GetUtcNow()),
        TransferLegKind.Refund => new AccountCommand.Refund(c.TransferId, c.Reason ?? "target-refused", time.GetUtcNow()),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown transfer leg."),
    };

    /// <summary>
    /// This account's events of <paramref name="transferId"/> when it may have forgotten that id (retention rule,
    /// <see cref="TransferOptions.TransferIdsKept"/>), else null. Two reads, both only on a miss of an account that
    /// has forgotten anything: the transfer's own stream (a few events) says when it was requested, and a transfer
    /// requested after the newest forgotten leg is simply new; only an older one costs a read of this account's stream.
    /// </summary>
    private async Task<IReadOnlyList<IAccountEvent>?> RecallAsync(string transferId)
    {
        await EnsureLoadedAsync();
        if (!TransferIdRetention.MayHaveForgotten(State, transferId))
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
        if (requestedAt is { } at && !TransferIdRetention.MayHaveForgotten(State, transferId, at))
        {
            return null;
        }

        var history = await Log.ReadStreamAsync(StreamId);
        return [.. history.Select(e => (IAccountEvent)e.Data).Where(e => TransferIdRetention.TransferIdOf(e) == transferId)];
    }

    /// <summary>
    /// The account as the log holds it now. Writes are fenced by the append's expected version; a read is fenced by
    /// this look in the log (one indexed read, usually empty): after a pause or a partition, a silo the others declared
    /// dead may still answer with an activation another silo has moved past (the nemesis run found such stale reads).
    /// </summary>
    public async Task<AccountView?> GetView()
    {
        await CatchUpAsync();
        return State.ToView(Version);
    }

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

    private static AccountView? Fold(IEnumerable<RecordedEvent> events)
    {
        var state = AccountDecider.Initial;
        long version = 0;
        foreach (var e in events)
        {
            state = AccountDecider.Evolve(state, (IAccountEvent)e.Data);
            version = e.Version;
        }

        return state.ToView(version);
    }

    private async Task<AccountReply> Handle(AccountCommand command)
    {
        var (rejection, events) = await DecideAsync(state => AccountDecider.Decide(command, state), command: command.GetType().Name);
        // A refusal carries no view: the caller may not be the owner, and a refusal must never leak the balance.
        return rejection is null
            ? new AccountReply(State.ToView(Version), null) { Position = events.Count > 0 ? events[^1].Position : 0 }
            : new AccountReply(null, rejection);
    }
}
