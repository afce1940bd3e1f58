using static Actors.Accounts.AccountRules;
using static Actors.Accounts.TransferStep;

namespace Actors.Accounts;

/// <summary>
/// The transfer decider. A transfer is one commit: its record (<see cref="TransferMade"/>) with the source's and the
/// target's legs, all or nothing, so money is never in flight. When an account refuses its leg, nothing is written and
/// the refusal is recorded instead (the transfer failed; nothing moved). Transfers an older version left half done
/// are finished by the same commits, one per remaining step (<see cref="TransferCommand.Resume"/>).
/// </summary>
public static class TransferDecider
{
    public static TransferState Initial => TransferState.Initial;

    public static Decision<ITransferEvent> Decide(TransferCommand command, TransferState state) => command switch
    {
        TransferCommand.Make c => Make(c, state),
        TransferCommand.Resume c => Resume(c, state),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown transfer command."),
    };

    /// <summary>
    /// The accounts' legs that <see cref="Decide"/>'s events for <paramref name="command"/> must be recorded with, in
    /// the order the accounts are asked: by account id, so two commits never wait for each other in a cycle.
    /// Empty when the events are recorded alone (a refusal being recorded, nothing to do).
    /// </summary>
    public static IReadOnlyList<TransferLeg> LegsOf(TransferCommand command, TransferState state) => command switch
    {
        TransferCommand.Make { Refused: null } c when state.Step == None =>
            ByAccount(new TransferLeg(c.From, TransferLegKind.Send), new TransferLeg(c.To, TransferLegKind.Receive)),
        TransferCommand.Resume { Refused: null } => state.Step switch
        {
            Requested or Debited => ByAccount(new TransferLeg(state.From, TransferLegKind.Send), new TransferLeg(state.To, TransferLegKind.Receive)),
            Credited => [new TransferLeg(state.From, TransferLegKind.Settle)],
            TargetRefused => [new TransferLeg(state.From, TransferLegKind.Refund)],
            _ => [],
        },
        _ => [],
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

    private static Decision<ITransferEvent> Make(TransferCommand.Make c, TransferState state)
    {
        if (state.Step != None)
        {
            return state.From == c.From && state.To == c.To && state.Amount == c.Amount && state.RequestedBy == c.RequestedBy
                ? Decision<ITransferEvent>.AlreadyDone
                : AccountRejections.TransferConflict;
        }

        if (!IsTransferKeyOf(c.TransferId, c.RequestedBy))
        {
            return AccountRejections.InvalidTransferId;
        }

        if (!IsValidAmount(c.Amount))
        {
            return AccountRejections.InvalidAmount;
        }

        if (c.From == c.To)
        {
            return AccountRejections.SameAccount;
        }

        return c.Refused is { } refused
            ? Decision<ITransferEvent>.Accept(
                new TransferRequested(c.TransferId, c.From, c.To, c.Amount, c.RequestedBy, c.At),
                new TransferFailed(c.TransferId, ReasonOf(refused), c.At))
            : new TransferMade(c.TransferId, c.From, c.To, c.Amount, c.RequestedBy, c.At);
    }

    private static Decision<ITransferEvent> Resume(TransferCommand.Resume c, TransferState state) => (c.Refused, state.Step) switch
    {
        _ when !state.IsPending => Decision<ITransferEvent>.AlreadyDone,
        (null, Requested or Debited or Credited) => new TransferCompleted(state.Id, c.At),
        (null, TargetRefused) => new TransferFailed(state.Id, state.Reason ?? "target-refused", c.At),
        // The target refused, or the two currencies differ (the source may have paid already): the refund step is next, which
        // gives the money back, or finds the source never paid and records the failure.
        ({ } r, Requested or Debited) when r.ByTarget || r.Refusal == AccountRejections.CurrencyMismatch =>
            new TransferTargetRefused(state.Id, ReasonOf(r), c.At),
        ({ } r, Requested) => new TransferFailed(state.Id, ReasonOf(r), c.At), // the source refused: nothing left it
        ({ } r, TargetRefused) when r.Refusal == AccountRejections.UnknownTransfer =>
            new TransferFailed(state.Id, state.Reason ?? "target-refused", c.At), // never debited: nothing to give back
        ({ } r, _) => r.Refusal, // a settlement or refund refused: something is badly wrong; it stays pending, loudly
        _ => Decision<ITransferEvent>.AlreadyDone, // a step of a newer version: nothing this one knows to do
    };

    private static string ReasonOf(TransferCommand.LegRefusal refused) => AccountRejections.ReasonOf(refused.Refusal.Code);

    private static TransferLeg[] ByAccount(TransferLeg a, TransferLeg b) => a.Account.CompareTo(b.Account) < 0 ? [a, b] : [b, a];
}
