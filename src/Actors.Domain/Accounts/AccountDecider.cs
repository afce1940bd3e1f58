using static Actors.Accounts.AccountRules;

namespace Actors.Accounts;

/// <summary>
/// The account decider. Rules: one currency per account; amounts are positive minor units up to
/// <see cref="AccountRules.MaxAmount"/>; no overdraft; only the owner takes money out or closes; a closed account
/// accepts nothing; closing needs a zero balance and no transfer in flight. A transfer is one commit of the source's
/// <see cref="AccountCommand.Send"/> and the target's <see cref="AccountCommand.Receive"/>, idempotent by transfer id.
/// </summary>
public static class AccountDecider
{
    public static AccountState Initial => AccountState.Initial;

    public static Decision<IAccountEvent> Decide(AccountCommand command, AccountState state) => command switch
    {
        AccountCommand.Open c => Open(c, state),
        AccountCommand.Deposit c => Deposit(c, state),
        AccountCommand.Withdraw c => Withdraw(c, state),
        AccountCommand.Close c => Close(c, state),
        AccountCommand.Send c => Send(c, state),
        AccountCommand.Receive c => Receive(c, state),
        AccountCommand.Refund c => Refund(c, state),
        AccountCommand.Settle c => Settle(c, state),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown account command."),
    };

    /// <summary>The fold, keeping the ids of the last <see cref="KeptTransfers.DefaultKeep"/> finished transfers.</summary>
    public static AccountState Evolve(AccountState state, IAccountEvent @event) => Evolve(state, @event, KeptTransfers.DefaultKeep);

    /// <summary>The fold, keeping the ids of the last <paramref name="keep"/> finished transfers (<see cref="TransferIdRetention"/>).</summary>
    public static AccountState Evolve(AccountState state, IAccountEvent @event, int keep) =>
        TransferIdRetention.FinishedHere(@event) is { } finished
            ? TransferIdRetention.Forget(Apply(state, @event), finished, keep)
            : Apply(state, @event);

    private static AccountState Apply(AccountState state, IAccountEvent @event) => @event switch
    {
        AccountOpened e => state with { Id = e.AccountId, Owner = e.OwnerId, Currency = e.Currency, Status = AccountStatus.Open, OpenedAt = e.At },
        MoneyDeposited e => state with { Balance = state.Balance + e.Amount },
        MoneyWithdrawn e => state with { Balance = state.Balance - e.Amount },
        TransferDebited e => state with
        {
            Balance = state.Balance - e.Amount,
            Debited = state.Debited.Add(e.TransferId),
            Unsettled = state.Unsettled.SetItem(e.TransferId, e.Amount),
        },
        TransferSent e => state with { Balance = state.Balance - e.Amount, Debited = state.Debited.Add(e.TransferId) },
        TransferCredited e => state with { Balance = state.Balance + e.Amount, Credited = state.Credited.Add(e.TransferId) },
        TransferRefunded e => state with
        {
            Balance = state.Balance + e.Amount,
            Refunded = state.Refunded.Add(e.TransferId),
            Unsettled = state.Unsettled.Remove(e.TransferId),
        },
        TransferSettled e => state with { Unsettled = state.Unsettled.Remove(e.TransferId) },
        AccountClosed => state with { Status = AccountStatus.Closed },
        _ => state, // an event type from a newer version: the fold must never fail on stored history
    };

    private static Decision<IAccountEvent> Open(AccountCommand.Open c, AccountState state)
    {
        if (state.Status != AccountStatus.None)
        {
            return state.Owner == c.Owner && state.Currency == c.Currency
                ? Decision<IAccountEvent>.AlreadyDone
                : AccountRejections.Exists;
        }

        if (!IsValidCurrency(c.Currency))
        {
            return AccountRejections.InvalidCurrency;
        }

        return new AccountOpened(c.AccountId, c.Owner, c.Currency, c.At);
    }

    private static Decision<IAccountEvent> Deposit(AccountCommand.Deposit c, AccountState state)
    {
        if (Unusable(state) is { } rejection)
        {
            return rejection;
        }

        if (!IsValidAmount(c.Amount))
        {
            return AccountRejections.InvalidAmount;
        }

        if (state.Balance > MaxBalance - c.Amount)
        {
            return AccountRejections.BalanceLimit;
        }

        return new MoneyDeposited(state.Id, c.Amount, c.By, c.At);
    }

    private static Decision<IAccountEvent> Withdraw(AccountCommand.Withdraw c, AccountState state)
    {
        if (OwnerOnly(state, c.By) is { } rejection)
        {
            return rejection;
        }

        if (!IsValidAmount(c.Amount))
        {
            return AccountRejections.InvalidAmount;
        }

        if (c.Amount > state.Balance)
        {
            return AccountRejections.InsufficientFunds;
        }

        return new MoneyWithdrawn(state.Id, c.Amount, c.By, c.At);
    }

    private static Decision<IAccountEvent> Close(AccountCommand.Close c, AccountState state)
    {
        if (state.Status == AccountStatus.Closed && state.Owner == c.By)
        {
            return Decision<IAccountEvent>.AlreadyDone;
        }

        if (OwnerOnly(state, c.By) is { } rejection)
        {
            return rejection;
        }

        if (state.Balance != 0)
        {
            return AccountRejections.BalanceNotZero;
        }

        if (!state.Unsettled.IsEmpty)
        {
            return AccountRejections.TransfersInFlight;
        }

        return new AccountClosed(state.Id, c.By, c.At);
    }

    private static Decision<IAccountEvent> Send(AccountCommand.Send c, AccountState state)
    {
        // Idempotency first: a repeated leg must succeed even if the account changed since (e.g. it was emptied).
        if (state.Debited.Contains(c.TransferId))
        {
            return state.Refunded.Contains(c.TransferId) ? AccountRejections.TransferRefunded
                : !state.Unsettled.ContainsKey(c.TransferId) ? Decision<IAccountEvent>.AlreadyDone
                : c.ToCurrency is { } to && to != state.Currency ? AccountRejections.CurrencyMismatch // never settle across currencies
                : new TransferSettled(state.Id, c.TransferId, c.At); // debited by an older version: the money arrives now
        }

        if (OwnerOnly(state, c.By) is { } rejection)
        {
            return rejection;
        }

        if (!IsValidAmount(c.Amount))
        {
            return AccountRejections.InvalidAmount;
        }

        if (c.To == state.Id)
        {
            return AccountRejections.SameAccount;
        }

        if (c.Amount > state.Balance)
        {
            return AccountRejections.InsufficientFunds;
        }

        return c.ToCurrency is { } currency && currency != state.Currency
            ? AccountRejections.CurrencyMismatch
            : new TransferSent(state.Id, c.TransferId, c.To, c.Amount, c.By, c.At);
    }

    private static Decision<IAccountEvent> Receive(AccountCommand.Receive c, AccountState state)
    {
        // Idempotency first: once credited, a repeat must not turn into a refusal (that would refund money that arrived).
        if (state.Credited.Contains(c.TransferId))
        {
            return Decision<IAccountEvent>.AlreadyDone;
        }

        if (Unusable(state) is { } rejection)
        {
            return rejection;
        }

        if (!IsValidAmount(c.Amount))
        {
            return AccountRejections.InvalidAmount;
        }

        if (c.Currency is { } currency && currency != state.Currency)
        {
            return AccountRejections.CurrencyMismatch;
        }

        if (state.Balance > MaxBalance - c.Amount)
        {
            return AccountRejections.BalanceLimit;
        }

        return new TransferCredited(state.Id, c.TransferId, c.From, c.Amount, c.At);
    }

    private static Decision<IAccountEvent> Refund(AccountCommand.Refund c, AccountState state)
    {
        if (state.Refunded.Contains(c.TransferId))
        {
            return Decision<IAccountEvent>.AlreadyDone;
        }

        if (!state.Debited.Contains(c.TransferId))
        {
            return AccountRejections.UnknownTransfer;
        }

        if (!state.Unsettled.ContainsKey(c.TransferId))
        {
            return AccountRejections.TransferSettled;
        }

        // No closed or limit check: an account with an unsettled transfer cannot be closed, and money that left
        // must come back whatever happened meanwhile (MaxBalance + MaxAmount is still far from overflow).
        return new TransferRefunded(state.Id, c.TransferId, state.Unsettled[c.TransferId], c.Reason, c.At);
    }

    private static Decision<IAccountEvent> Settle(AccountCommand.Settle c, AccountState state)
    {
        if (state.Debited.Contains(c.TransferId) && !state.Unsettled.ContainsKey(c.TransferId))
        {
            return state.Refunded.Contains(c.TransferId)
                ? AccountRejections.TransferRefunded
                : Decision<IAccountEvent>.AlreadyDone;
        }

        if (!state.Debited.Contains(c.TransferId))
        {
            return AccountRejections.UnknownTransfer;
        }

        return new TransferSettled(state.Id, c.TransferId, c.At);
    }

    private static Rejection? Unusable(AccountState state) => state.Status switch
    {
        AccountStatus.None => AccountRejections.NotFound,
        AccountStatus.Closed => AccountRejections.Closed,
        _ => null,
    };

    private static Rejection? OwnerOnly(AccountState state, long by) =>
        state.Status == AccountStatus.None ? AccountRejections.NotFound
        : state.Owner != by ? AccountRejections.NotOwner
        : Unusable(state);
}
