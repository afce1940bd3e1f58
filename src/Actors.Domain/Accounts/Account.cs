using System.Collections.Immutable;
using static Actors.Accounts.AccountRules;

namespace Actors.Accounts;

public enum AccountStatus
{
    /// <summary>Never opened: the stream is empty.</summary>
    None,
    Open,
    Closed,
}

/// <summary>
/// The fold of an account's events. The transfer id sets make every transfer step idempotent: a repeated step finds
/// its id and changes nothing. They hold the ids of transfers in flight and of the last finished ones only
/// (<see cref="Kept"/>): an account's memory does not grow with its history. A step for a forgotten id is decided on
/// the state with that transfer's legs recalled from the log (<see cref="Account.Recall"/>).
/// </summary>
/// <param name="Unsettled">Debited transfers (id -> amount) not yet settled or refunded: money that may still come back.</param>
/// <param name="Kept">Which finished transfer ids the sets still hold, oldest first, and when the last forgotten one finished.</param>
public sealed record AccountState(
    Guid Id,
    long Owner,
    string Currency,
    long Balance,
    AccountStatus Status,
    DateTimeOffset OpenedAt,
    ImmutableHashSet<string> Debited,
    ImmutableHashSet<string> Credited,
    ImmutableHashSet<string> Refunded,
    ImmutableDictionary<string, long> Unsettled,
    KeptTransfers Kept)
{
    public static readonly AccountState Initial = new(
        Guid.Empty, 0, "", 0, AccountStatus.None, default,
        ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal),
        ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal),
        ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal),
        ImmutableDictionary<string, long>.Empty.WithComparers(StringComparer.Ordinal),
        KeptTransfers.None);

    /// <summary>The owner's view of this state after event <paramref name="version"/>; null when not opened.</summary>
    public AccountView? ToView(long version) => Status == AccountStatus.None
        ? null
        : new AccountView(Id, Owner, Currency, Balance, version, Status == AccountStatus.Open ? "open" : "closed", OpenedAt);
}

public abstract record AccountCommand(DateTimeOffset At);

public sealed record OpenAccount(Guid AccountId, long Owner, string Currency, DateTimeOffset At) : AccountCommand(At);

public sealed record DepositMoney(long Amount, long By, DateTimeOffset At) : AccountCommand(At);

public sealed record WithdrawMoney(long Amount, long By, DateTimeOffset At) : AccountCommand(At);

public sealed record CloseAccount(long By, DateTimeOffset At) : AccountCommand(At);

public sealed record DebitTransfer(string TransferId, Guid To, long Amount, long By, DateTimeOffset At) : AccountCommand(At);

/// <summary>
/// Debit and settle at once: for a transfer recorded in one commit together with the target's credit, so the money
/// can never be left in flight. <paramref name="ToCurrency"/>, when given, is the target's currency, which must be
/// this account's (when the target decided its credit first, this side makes the currency check).
/// </summary>
public sealed record SendTransfer(string TransferId, Guid To, long Amount, long By, string? ToCurrency, DateTimeOffset At) : AccountCommand(At);

public sealed record CreditTransfer(string TransferId, Guid From, long Amount, string Currency, DateTimeOffset At) : AccountCommand(At);

public sealed record RefundTransfer(string TransferId, string Reason, DateTimeOffset At) : AccountCommand(At);

public sealed record SettleTransfer(string TransferId, DateTimeOffset At) : AccountCommand(At);

/// <summary>
/// The account decider. Rules: one currency per account; amounts are positive minor units up to
/// <see cref="AccountRules.MaxAmount"/>; no overdraft; only the owner takes money out or closes; a closed account
/// accepts nothing; closing needs a zero balance and no transfer in flight.
/// </summary>
public static class Account
{
    public static AccountState Initial => AccountState.Initial;

    public static Decision<IAccountEvent> Decide(AccountCommand command, AccountState state) => command switch
    {
        OpenAccount c => Open(c, state),
        DepositMoney c => Deposit(c, state),
        WithdrawMoney c => Withdraw(c, state),
        CloseAccount c => Close(c, state),
        DebitTransfer c => Debit(c, state),
        SendTransfer c => Send(c, state),
        CreditTransfer c => Credit(c, state),
        RefundTransfer c => Refund(c, state),
        SettleTransfer c => Settle(c, state),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown account command."),
    };

    /// <summary>The fold, keeping the ids of the last <see cref="KeptTransfers.DefaultKeep"/> finished transfers.</summary>
    public static AccountState Evolve(AccountState state, IAccountEvent @event) => Evolve(state, @event, KeptTransfers.DefaultKeep);

    /// <summary>The fold, keeping the ids of the last <paramref name="keep"/> finished transfers (the retention rule).</summary>
    public static AccountState Evolve(AccountState state, IAccountEvent @event, int keep) =>
        FinishedHere(@event) is { } finished ? Forget(Apply(state, @event), finished, keep) : Apply(state, @event);

    /// <summary>
    /// The clock difference allowed between the silo that timed a transfer's request and the one that timed its legs
    /// here: a transfer requested more than this after the last forgotten leg finished cannot be one of them.
    /// </summary>
    public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether a step of <paramref name="transferId"/> must look in the log first: the sets do not know the id, and
    /// this account has forgotten some ids (so it may be one of them). Without a request time at hand.
    /// </summary>
    public static bool MayHaveForgotten(AccountState state, string transferId) =>
        state.Kept.ForgottenThrough is not null
        && !state.Debited.Contains(transferId) && !state.Credited.Contains(transferId) && !state.Refunded.Contains(transferId);

    /// <summary>
    /// The same, knowing when the transfer was requested (from its own stream): its legs here finished after that, so
    /// a transfer requested after the newest forgotten leg (with the clock allowance) was never forgotten.
    /// </summary>
    public static bool MayHaveForgotten(AccountState state, string transferId, DateTimeOffset requestedAt) =>
        MayHaveForgotten(state, transferId) && requestedAt <= state.Kept.ForgottenThrough!.Value + ClockSkewAllowance;

    /// <summary>
    /// The state a step of a transfer this account may have forgotten is decided on: <paramref name="legs"/>, this
    /// account's events of that transfer read from the log, put back into the id sets. Money and in-flight transfers are
    /// never forgotten, so this decides exactly as the state that kept every id would.
    /// </summary>
    public static AccountState Recall(AccountState state, IEnumerable<IAccountEvent> legs)
    {
        foreach (var leg in legs)
        {
            state = leg switch
            {
                TransferDebited e => state with { Debited = state.Debited.Add(e.TransferId) },
                TransferSent e => state with { Debited = state.Debited.Add(e.TransferId) },
                TransferCredited e => state with { Credited = state.Credited.Add(e.TransferId) },
                TransferRefunded e => state with { Debited = state.Debited.Add(e.TransferId), Refunded = state.Refunded.Add(e.TransferId) },
                _ => state,
            };
        }

        return state;
    }

    /// <summary>The transfer an event of this account belongs to, or null.</summary>
    public static string? TransferIdOf(IAccountEvent @event) => @event switch
    {
        TransferDebited e => e.TransferId,
        TransferSent e => e.TransferId,
        TransferCredited e => e.TransferId,
        TransferRefunded e => e.TransferId,
        TransferSettled e => e.TransferId,
        _ => null,
    };

    /// <summary>The transfer an event ends on this account's side (nothing more can happen to it here), or null.</summary>
    private static KeptTransfer? FinishedHere(IAccountEvent @event) => @event switch
    {
        TransferSent e => new KeptTransfer(e.TransferId, e.At),
        TransferCredited e => new KeptTransfer(e.TransferId, e.At),
        TransferSettled e => new KeptTransfer(e.TransferId, e.At),
        TransferRefunded e => new KeptTransfer(e.TransferId, e.At),
        _ => null,
    };

    /// <summary>
    /// Remembers <paramref name="finished"/> and drops the oldest ids beyond <paramref name="keep"/> (one per finished
    /// leg once the account has that many; more only when the setting was lowered). One state copy for it all: this
    /// runs on every finished leg, on the hot path and in every replay.
    /// </summary>
    private static AccountState Forget(AccountState state, KeptTransfer finished, int keep)
    {
        var kept = state.Kept.Add(finished);
        if (kept.Count <= Math.Max(keep, 0))
        {
            return state with { Kept = kept };
        }

        var (debited, credited, refunded) = (state.Debited, state.Credited, state.Refunded);
        while (kept.Count > Math.Max(keep, 0))
        {
            kept = kept.ForgetOldest(out var id);
            if (!state.Unsettled.ContainsKey(id)) // never the case for a finished leg; kept as the rule's guard
            {
                (debited, credited, refunded) = (debited.Remove(id), credited.Remove(id), refunded.Remove(id));
            }
        }

        return state with { Kept = kept, Debited = debited, Credited = credited, Refunded = refunded };
    }

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

    private static Decision<IAccountEvent> Open(OpenAccount c, AccountState state)
    {
        if (state.Status != AccountStatus.None)
        {
            return state.Owner == c.Owner && state.Currency == c.Currency
                ? Decision<IAccountEvent>.AlreadyDone
                : new Rejection(AccountExists, "An account with this id already exists.");
        }

        if (!IsValidCurrency(c.Currency))
        {
            return new Rejection(InvalidCurrency, "The currency must be a three-letter ISO 4217 code such as EUR.");
        }

        return new AccountOpened(c.AccountId, c.Owner, c.Currency, c.At);
    }

    private static Decision<IAccountEvent> Deposit(DepositMoney c, AccountState state)
    {
        if (Unusable(state) is { } rejection)
        {
            return rejection;
        }

        if (!IsValidAmount(c.Amount))
        {
            return InvalidAmountRejection;
        }

        if (state.Balance > MaxBalance - c.Amount)
        {
            return BalanceLimitRejection;
        }

        return new MoneyDeposited(state.Id, c.Amount, c.By, c.At);
    }

    private static Decision<IAccountEvent> Withdraw(WithdrawMoney c, AccountState state)
    {
        if (OwnerOnly(state, c.By) is { } rejection)
        {
            return rejection;
        }

        if (!IsValidAmount(c.Amount))
        {
            return InvalidAmountRejection;
        }

        if (c.Amount > state.Balance)
        {
            return InsufficientFundsRejection;
        }

        return new MoneyWithdrawn(state.Id, c.Amount, c.By, c.At);
    }

    private static Decision<IAccountEvent> Close(CloseAccount c, AccountState state)
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
            return new Rejection(BalanceNotZero, "Only an account with a zero balance can be closed.");
        }

        if (!state.Unsettled.IsEmpty)
        {
            return new Rejection(TransfersInFlight, "A transfer from this account is still in progress; try again shortly.");
        }

        return new AccountClosed(state.Id, c.By, c.At);
    }

    private static Decision<IAccountEvent> Debit(DebitTransfer c, AccountState state)
    {
        // Idempotency first: a repeated step must succeed even if the account changed since (e.g. it was emptied).
        if (state.Debited.Contains(c.TransferId))
        {
            return Decision<IAccountEvent>.AlreadyDone;
        }

        if (OwnerOnly(state, c.By) is { } rejection)
        {
            return rejection;
        }

        if (!IsValidAmount(c.Amount))
        {
            return InvalidAmountRejection;
        }

        if (c.To == state.Id)
        {
            return new Rejection(SameAccount, "A transfer needs two different accounts.");
        }

        if (c.Amount > state.Balance)
        {
            return InsufficientFundsRejection;
        }

        return new TransferDebited(state.Id, c.TransferId, c.To, c.Amount, c.By, c.At);
    }

    private static Decision<IAccountEvent> Send(SendTransfer c, AccountState state)
    {
        var debit = Debit(new DebitTransfer(c.TransferId, c.To, c.Amount, c.By, c.At), state);
        if (debit is not { Rejection: null, Events: [TransferDebited] })
        {
            return debit; // refused, or already debited (then the step-by-step path owns this transfer)
        }

        return c.ToCurrency is { } currency && currency != state.Currency
            ? new Rejection(CurrencyMismatch, "The two accounts hold different currencies.")
            : new TransferSent(state.Id, c.TransferId, c.To, c.Amount, c.By, c.At);
    }

    private static Decision<IAccountEvent> Credit(CreditTransfer c, AccountState state)
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
            return InvalidAmountRejection;
        }

        if (c.Currency != state.Currency)
        {
            return new Rejection(CurrencyMismatch, "The two accounts hold different currencies.");
        }

        if (state.Balance > MaxBalance - c.Amount)
        {
            return BalanceLimitRejection;
        }

        return new TransferCredited(state.Id, c.TransferId, c.From, c.Amount, c.At);
    }

    private static Decision<IAccountEvent> Refund(RefundTransfer c, AccountState state)
    {
        if (state.Refunded.Contains(c.TransferId))
        {
            return Decision<IAccountEvent>.AlreadyDone;
        }

        if (!state.Debited.Contains(c.TransferId))
        {
            return new Rejection(UnknownTransfer, "This account was never debited for this transfer.");
        }

        if (!state.Unsettled.ContainsKey(c.TransferId))
        {
            return new Rejection(TransferSettledAlready, "This transfer reached its target; it cannot be refunded.");
        }

        // No closed or limit check: an account with an unsettled transfer cannot be closed, and money that left
        // must come back whatever happened meanwhile (MaxBalance + MaxAmount is still far from overflow).
        return new TransferRefunded(state.Id, c.TransferId, state.Unsettled[c.TransferId], c.Reason, c.At);
    }

    private static Decision<IAccountEvent> Settle(SettleTransfer c, AccountState state)
    {
        if (state.Debited.Contains(c.TransferId) && !state.Unsettled.ContainsKey(c.TransferId))
        {
            return state.Refunded.Contains(c.TransferId)
                ? new Rejection(TransferRefundedAlready, "This transfer was refunded; it cannot be settled.")
                : Decision<IAccountEvent>.AlreadyDone;
        }

        if (!state.Debited.Contains(c.TransferId))
        {
            return new Rejection(UnknownTransfer, "This account was never debited for this transfer.");
        }

        return new TransferSettled(state.Id, c.TransferId, c.At);
    }

    private static Rejection? Unusable(AccountState state) => state.Status switch
    {
        AccountStatus.None => new Rejection(AccountNotFound, "No such account."),
        AccountStatus.Closed => new Rejection(AccountRules.AccountClosed, "The account is closed."),
        _ => null,
    };

    private static Rejection? OwnerOnly(AccountState state, long by) =>
        state.Status == AccountStatus.None ? new Rejection(AccountNotFound, "No such account.")
        : state.Owner != by ? new Rejection(NotOwner, "Only the owner of the account can do this.")
        : Unusable(state);

    private static readonly Rejection InvalidAmountRejection =
        new(InvalidAmount, $"The amount must be a whole number of minor units between 1 and {MaxAmount}.");

    private static readonly Rejection InsufficientFundsRejection = new(InsufficientFunds, "The balance is too low for this amount.");

    private static readonly Rejection BalanceLimitRejection = new(BalanceLimit, "The account would exceed the largest balance allowed.");
}
