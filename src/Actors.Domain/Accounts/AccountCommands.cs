namespace Actors.Accounts;

/// <summary>
/// What can be asked of one bank account. A closed hierarchy: the private constructor keeps every command in this
/// file, so the decider's switch covers them all. Time and the acting user arrive as data.
/// </summary>
public abstract record AccountCommand
{
    private AccountCommand()
    {
    }

    public sealed record Open(Guid AccountId, long Owner, string Currency, DateTimeOffset At) : AccountCommand;

    public sealed record Deposit(long Amount, long By, DateTimeOffset At) : AccountCommand;

    public sealed record Withdraw(long Amount, long By, DateTimeOffset At) : AccountCommand;

    public sealed record Close(long By, DateTimeOffset At) : AccountCommand;

    /// <summary>
    /// The source's leg of a transfer: the money leaves and arrives in the same commit as the target's
    /// <see cref="Receive"/>, so it is never in flight. <paramref name="ToCurrency"/>, when known, is the target's
    /// currency, which must be this account's. For a transfer an older version debited without settling, the leg is
    /// the settlement of that debit.
    /// </summary>
    public sealed record Send(string TransferId, Guid To, long Amount, long By, string? ToCurrency, DateTimeOffset At) : AccountCommand;

    /// <summary>The target's leg of a transfer, in <paramref name="Currency"/> (the source's), or in its own when not yet known.</summary>
    public sealed record Receive(string TransferId, Guid From, long Amount, string? Currency, DateTimeOffset At) : AccountCommand;

    /// <summary>Settles a debit an older version recorded on its own (the money reached the target).</summary>
    public sealed record Settle(string TransferId, DateTimeOffset At) : AccountCommand;

    /// <summary>Gives back a debit an older version recorded on its own (the target refused the money).</summary>
    public sealed record Refund(string TransferId, string Reason, DateTimeOffset At) : AccountCommand;
}
