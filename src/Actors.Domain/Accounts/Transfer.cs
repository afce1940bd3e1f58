using static Actors.Accounts.AccountRules;

namespace Actors.Accounts;

/// <summary>Where a transfer process stands. Every state but Completed and Failed has a next action.</summary>
public enum TransferStep
{
    /// <summary>Never requested.</summary>
    None,

    /// <summary>Next: debit the source.</summary>
    Requested,

    /// <summary>Next: credit the target.</summary>
    Debited,

    /// <summary>Next: settle the source (the money arrived).</summary>
    Credited,

    /// <summary>Next: refund the source (the target refused).</summary>
    TargetRefused,

    Completed,
    Failed,
}

/// <summary>What the transfer process must do next.</summary>
public enum TransferAction
{
    None,
    DebitSource,
    CreditTarget,
    SettleSource,
    RefundSource,
}

public sealed record TransferState(
    string Id,
    Guid From,
    Guid To,
    long Amount,
    long RequestedBy,
    DateTimeOffset RequestedAt,
    TransferStep Step,
    string? Currency,
    string? Reason)
{
    public static readonly TransferState Initial = new("", Guid.Empty, Guid.Empty, 0, 0, default, TransferStep.None, null, null);

    public bool IsTerminal => Step is TransferStep.Completed or TransferStep.Failed;

    /// <summary>The requester's view after event <paramref name="version"/>; null when never requested.</summary>
    public TransferView? ToView(long version) => Step == TransferStep.None
        ? null
        : new TransferView(Id, From, To, Amount, Step switch
        {
            TransferStep.Completed => "completed",
            TransferStep.Failed => "failed",
            _ => "pending",
        }, Step == TransferStep.Failed ? Reason : null, RequestedBy, RequestedAt, version);
}

public abstract record TransferCommand(DateTimeOffset At);

public sealed record RequestTransfer(string TransferId, Guid From, Guid To, long Amount, long RequestedBy, DateTimeOffset At) : TransferCommand(At);

/// <summary>The source answered the debit: <paramref name="Refusal"/> is null when it took the money.</summary>
public sealed record RecordDebit(string Currency, Rejection? Refusal, DateTimeOffset At) : TransferCommand(At);

public sealed record RecordSettled(DateTimeOffset At) : TransferCommand(At);

/// <summary>
/// Both legs answered in one go (the fast path: nothing is recorded between the account steps, which are idempotent
/// by transfer id, so a crash repeats them harmlessly): the source was debited in <paramref name="Currency"/>, and the
/// target either took the money and the source has already settled it (<paramref name="CreditRefusal"/> null), or
/// refused it (then the debit must be refunded, which only happens once the refusal is recorded).
/// </summary>
public sealed record RecordLegs(string Currency, Rejection? CreditRefusal, DateTimeOffset At) : TransferCommand(At);

/// <summary>
/// The whole transfer as one fact, to record in the same commit as both accounts' legs (sent, credited): recorded only
/// if both accounts accept theirs, so it never needs undoing. The rules of <see cref="RequestTransfer"/> apply.
/// </summary>
public sealed record MakeTransfer(string TransferId, Guid From, Guid To, long Amount, long RequestedBy, DateTimeOffset At) : TransferCommand(At);

/// <summary>
/// An account refused its leg of <paramref name="Request"/> before anything was recorded: the request is recorded
/// as failed at once, and nothing moved. The rules of <see cref="RequestTransfer"/> apply.
/// </summary>
public sealed record RecordRefused(RequestTransfer Request, Rejection Refusal) : TransferCommand(Request.At);

public sealed record RecordRefunded(DateTimeOffset At) : TransferCommand(At);

/// <summary>
/// The transfer process decider: debit source, then credit target, then settle source; or, when the target refuses,
/// refund source. It records each answer; the grain asks <see cref="NextAction"/> what to do and does it.
/// </summary>
public static class Transfer
{
    public static TransferState Initial => TransferState.Initial;

    public static TransferAction NextAction(TransferState state) => state.Step switch
    {
        TransferStep.Requested => TransferAction.DebitSource,
        TransferStep.Debited => TransferAction.CreditTarget,
        TransferStep.Credited => TransferAction.SettleSource,
        TransferStep.TargetRefused => TransferAction.RefundSource,
        _ => TransferAction.None,
    };

    public static Decision<ITransferEvent> Decide(TransferCommand command, TransferState state) => command switch
    {
        RequestTransfer c => Request(c, state),
        RecordDebit c => state.Step != TransferStep.Requested ? Decision<ITransferEvent>.AlreadyDone
            : c.Refusal is { } refusal ? new TransferFailed(state.Id, refusal.Code, c.At)
            : new TransferSourceDebited(state.Id, c.Currency, c.At),
        RecordSettled c => state.Step != TransferStep.Credited ? Decision<ITransferEvent>.AlreadyDone
            : new TransferCompleted(state.Id, c.At),
        RecordRefunded c => state.Step != TransferStep.TargetRefused ? Decision<ITransferEvent>.AlreadyDone
            : new TransferFailed(state.Id, state.Reason ?? "target-refused", c.At),
        RecordLegs c => Legs(c, state),
        MakeTransfer c => Make(c, state),
        RecordRefused c => Refused(c, state),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown transfer command."),
    };

    public static TransferState Evolve(TransferState state, ITransferEvent @event) => @event switch
    {
        TransferRequested e => state with
        {
            Id = e.TransferId, From = e.From, To = e.To, Amount = e.Amount, RequestedBy = e.RequestedBy, RequestedAt = e.At,
            Step = TransferStep.Requested,
        },
        TransferMade e => Evolve(state, new TransferRequested(e.TransferId, e.From, e.To, e.Amount, e.RequestedBy, e.At)) with
        {
            Step = TransferStep.Completed,
        },
        TransferSourceDebited e => state with { Step = TransferStep.Debited, Currency = e.Currency },
        TransferTargetCredited => state with { Step = TransferStep.Credited },
        TransferTargetRefused e => state with { Step = TransferStep.TargetRefused, Reason = e.Reason },
        TransferCompleted => state with { Step = TransferStep.Completed },
        TransferFailed e => state with { Step = TransferStep.Failed, Reason = e.Reason },
        _ => state,
    };

    /// <summary>
    /// The outcome the answers establish, as one event from wherever the transfer stands (a transfer recorded step by
    /// step by an older version may already be past the debit): <see cref="TransferCompleted"/> when the target took
    /// the money (it implies the debit, the credit and the settlement, which the account streams record), or
    /// <see cref="TransferTargetRefused"/> (it implies the debit, which must now be refunded). One event instead of
    /// the step-by-step path's two or three: every event is a row written, indexed, read back and delivered.
    /// </summary>
    private static Decision<ITransferEvent> Legs(RecordLegs c, TransferState state)
    {
        if (state.Step is not (TransferStep.Requested or TransferStep.Debited or TransferStep.Credited)
            || (state.Step == TransferStep.Credited && c.CreditRefusal is not null))
        {
            return Decision<ITransferEvent>.AlreadyDone;
        }

        return c.CreditRefusal is { } refusal
            ? new TransferTargetRefused(state.Id, refusal.Code, c.At)
            : new TransferCompleted(state.Id, c.At);
    }

    private static Decision<ITransferEvent> Make(MakeTransfer c, TransferState state)
    {
        var request = Request(new RequestTransfer(c.TransferId, c.From, c.To, c.Amount, c.RequestedBy, c.At), state);
        return request is { Rejection: null, Events: [TransferRequested r] }
            ? new TransferMade(r.TransferId, r.From, r.To, r.Amount, r.RequestedBy, r.At)
            : request; // refused, or already requested (then it is under way or done)
    }

    private static Decision<ITransferEvent> Refused(RecordRefused c, TransferState state)
    {
        var request = Request(c.Request, state);
        return request is { Rejection: null, Events: [TransferRequested r] }
            ? Decision<ITransferEvent>.Accept(r, new TransferFailed(r.TransferId, c.Refusal.Code, c.At))
            : request; // refused, or already requested (then it is under way or done, and that answer stands)
    }

    private static Decision<ITransferEvent> Request(RequestTransfer c, TransferState state)
    {
        if (state.Step != TransferStep.None)
        {
            return state.From == c.From && state.To == c.To && state.Amount == c.Amount && state.RequestedBy == c.RequestedBy
                ? Decision<ITransferEvent>.AlreadyDone
                : new Rejection(TransferConflict, "This transfer id was already used for a different transfer.");
        }

        if (!IsValidTransferId(c.TransferId))
        {
            return new Rejection(InvalidTransferId, $"A transfer id is 1 to {MaxTransferIdLength} letters, digits, '-' or '_'.");
        }

        if (!IsValidAmount(c.Amount))
        {
            return new Rejection(InvalidAmount, $"The amount must be a whole number of minor units between 1 and {MaxAmount}.");
        }

        if (c.From == c.To)
        {
            return new Rejection(SameAccount, "A transfer needs two different accounts.");
        }

        return new TransferRequested(c.TransferId, c.From, c.To, c.Amount, c.RequestedBy, c.At);
    }
}
