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
/// its id and changes nothing.
/// </summary>
/// <param name="Unsettled">Debited transfers (id -> amount) not yet settled or refunded: money that may still come back.</param>
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
    ImmutableDictionary<string, long> Unsettled)
{
    public static readonly AccountState Initial = new(
        Guid.Empty, 0, "", 0, AccountStatus.None, default,
        ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal),
        ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal),
        ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal),
        ImmutableDictionary<string, long>.Empty.WithComparers(StringComparer.Ordinal));

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

    public static AccountState Evolve(AccountState state, IAccountEvent @event) => @event switch
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
