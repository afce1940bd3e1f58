using System.Collections.Immutable;

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
/// the state with that transfer's legs recalled from the log (<see cref="TransferIdRetention.Recall"/>).
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
