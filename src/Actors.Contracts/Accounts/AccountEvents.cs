namespace Actors.Accounts;

/// <summary>
/// Marker of every event of the accounts category (stream <c>accounts-{guid:N}</c>). The account's state is the fold
/// of these events; they are a storage format: ids and aliases are never renumbered or renamed.
/// </summary>
public interface IAccountEvent
{
    /// <summary>The account the event happened to.</summary>
    Guid AccountId { get; }

    /// <summary>When it happened.</summary>
    DateTimeOffset At { get; }
}

/// <summary>An account was opened for <see cref="OwnerId"/> in one <see cref="Currency"/> (ISO 4217 code) with a zero balance.</summary>
[GenerateSerializer, Immutable, Alias("accounts.account-opened")]
public sealed record AccountOpened(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] long OwnerId,
    [property: Id(2)] string Currency,
    [property: Id(3)] DateTimeOffset At) : IAccountEvent;

/// <summary>Money (minor units, positive) was paid in by <see cref="By"/>.</summary>
[GenerateSerializer, Immutable, Alias("accounts.money-deposited")]
public sealed record MoneyDeposited(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] long Amount,
    [property: Id(2)] long By,
    [property: Id(3)] DateTimeOffset At) : IAccountEvent;

/// <summary>Money (minor units, positive) was paid out to the owner <see cref="By"/>.</summary>
[GenerateSerializer, Immutable, Alias("accounts.money-withdrawn")]
public sealed record MoneyWithdrawn(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] long Amount,
    [property: Id(2)] long By,
    [property: Id(3)] DateTimeOffset At) : IAccountEvent;

/// <summary>The first step of transfer <see cref="TransferId"/>: the amount left this (source) account towards <see cref="To"/>.</summary>
[GenerateSerializer, Immutable, Alias("accounts.transfer-debited")]
public sealed record TransferDebited(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] string TransferId,
    [property: Id(2)] Guid To,
    [property: Id(3)] long Amount,
    [property: Id(4)] long By,
    [property: Id(5)] DateTimeOffset At) : IAccountEvent;

/// <summary>
/// Transfer <see cref="TransferId"/> took the amount out of this (source) account and reached <see cref="To"/> in
/// the same commit: a debit and its settlement in one fact (nothing can come back).
/// </summary>
[GenerateSerializer, Immutable, Alias("accounts.transfer-sent")]
public sealed record TransferSent(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] string TransferId,
    [property: Id(2)] Guid To,
    [property: Id(3)] long Amount,
    [property: Id(4)] long By,
    [property: Id(5)] DateTimeOffset At) : IAccountEvent;

/// <summary>Transfer <see cref="TransferId"/> paid the amount into this (target) account from <see cref="From"/>.</summary>
[GenerateSerializer, Immutable, Alias("accounts.transfer-credited")]
public sealed record TransferCredited(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] string TransferId,
    [property: Id(2)] Guid From,
    [property: Id(3)] long Amount,
    [property: Id(4)] DateTimeOffset At) : IAccountEvent;

/// <summary>
/// Compensation: the target could not take transfer <see cref="TransferId"/>, so its amount came back to this
/// (source) account. <see cref="Reason"/> is the target's rejection code.
/// </summary>
[GenerateSerializer, Immutable, Alias("accounts.transfer-refunded")]
public sealed record TransferRefunded(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] string TransferId,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Reason,
    [property: Id(4)] DateTimeOffset At) : IAccountEvent;

/// <summary>
/// Transfer <see cref="TransferId"/>, debited from this account earlier, reached its target: nothing can come back
/// any more. Until then the account cannot be closed (a refund must always find it open).
/// </summary>
[GenerateSerializer, Immutable, Alias("accounts.transfer-settled")]
public sealed record TransferSettled(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] string TransferId,
    [property: Id(2)] DateTimeOffset At) : IAccountEvent;

/// <summary>The owner closed the account at a zero balance; from now on it only answers reads.</summary>
[GenerateSerializer, Immutable, Alias("accounts.account-closed")]
public sealed record AccountClosed(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] long By,
    [property: Id(2)] DateTimeOffset At) : IAccountEvent;
