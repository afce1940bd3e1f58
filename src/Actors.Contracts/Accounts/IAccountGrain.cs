using Actors.EventSourcing;
using Orleans.Concurrency;

namespace Actors.Accounts;

/// <summary>
/// A bank account (keyed by its Guid; log stream <c>accounts-{guid:N}</c>), event-sourced. Commands name the user
/// who asks (<c>by</c>) so the account itself enforces "only the owner withdraws, transfers out, closes".
/// Business-rule refusals come back as <see cref="AccountReply.Rejection"/>, never as exceptions.
/// </summary>
[Alias("actors.accounts.IAccountGrain")]
public interface IAccountGrain : IGrainWithGuidKey
{
    /// <summary>Opens the account for <paramref name="owner"/>; repeating the same open is a no-op, a different one is refused.</summary>
    Task<AccountReply> Open(long owner, string currency);

    Task<AccountReply> Deposit(long by, long amount);

    Task<AccountReply> Withdraw(long by, long amount);

    /// <summary>Closes the account; only at a zero balance with no outgoing transfer in flight.</summary>
    Task<AccountReply> Close(long by);

    /// <summary>The current state, or null when the account was never opened.</summary>
    Task<AccountView?> GetView();

    /// <summary>The state right after event <paramref name="version"/> (capped at the latest), or null if not opened by then.</summary>
    Task<AccountView?> GetViewAsOfVersion(long version);

    /// <summary>The state as it was at <paramref name="instant"/>, or null if not opened by then.</summary>
    Task<AccountView?> GetViewAsOfInstant(DateTimeOffset instant);

    /// <summary>
    /// The global log position of the account's latest event (0 when it was never opened): a view of this account
    /// that has reached it shows everything done to the account so far (e.g. by a transfer that just ended).
    /// </summary>
    Task<long> GetPosition();

    /// <summary>Every event of the account, in order (empty when it was never opened).</summary>
    Task<IReadOnlyList<RecordedEvent>> GetHistory();

    /// <summary>
    /// This account's part in one commit of a transfer: it decides its leg (idempotent by transfer id) on its state and,
    /// holding its turn, passes the commit on to the next account of <see cref="TransferCommit.Legs"/>; the last one
    /// appends every leg and the transfer's events atomically. No account can move between its decision and the
    /// commit, so a commit never finds an account moved on (only a lost activation's leftovers can); the legs are
    /// asked in account id order, so two transfers never wait for each other in a cycle.
    /// </summary>
    Task<TransferCommitted> CommitTransfer(TransferCommit commit);
}

/// <summary>
/// The process that moves money between two accounts, keyed by the client's transfer id (log stream
/// <c>transfers-{id}</c>). Starting the same id again, concurrently or later, returns the same transfer and moves
/// the money at most once. A transfer is one commit (both legs and its record, or nothing); one an older version left
/// pending is finished by the same commits, woken by whoever looks at it (the durable mode's recovery does).
/// </summary>
[Alias("actors.accounts.ITransferGrain")]
public interface ITransferGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the transfer, or returns it when this id was already started with the same parameters (a different
    /// request under the same id is refused with <c>transfer-conflict</c>). Returns once it is terminal. When the commit's
    /// outcome is unknown (a timeout, a lost silo), the call fails and nothing is pending: the transfer is in the log
    /// whole or not at all, and repeating the call with the same id answers which.
    /// </summary>
    Task<TransferReply> Start(Guid from, Guid to, long amount, long requestedBy);

    /// <summary>The transfer, or null when this id was never started.</summary>
    Task<TransferView?> GetView();
}

/// <summary>Read model: one account's statement, fed by the account's events (idempotent by version).</summary>
[Alias("actors.accounts.IAccountStatementGrain")]
public interface IAccountStatementGrain : IGrainWithGuidKey
{
    /// <summary>Applies one event of this account's stream; repeats and old versions are ignored, gaps are read from the log.</summary>
    Task Apply(RecordedEvent recorded);

    /// <summary>The statement, or null when no event of the account has arrived yet.</summary>
    [AlwaysInterleave]
    Task<AccountStatement?> GetStatement();

    /// <summary>Sends the account's current line to its owner's summary again (asked by a summary that has just woken up).</summary>
    [OneWay]
    Task Republish();
}

/// <summary>Read model: the accounts of one owner (keyed by the user id) and their totals.</summary>
[Alias("actors.accounts.IOwnerAccountsGrain")]
public interface IOwnerAccountsGrain : IGrainWithIntegerKey
{
    /// <summary>Takes the latest line of one account; a line older than the one held (by version) is ignored.</summary>
    Task Apply(OwnerAccountLine line);

    [AlwaysInterleave]
    Task<OwnerAccountsSummary> GetSummary();
}

/// <summary>Replays the accounts history from the log into fresh read models (any key; stateless).</summary>
[Alias("actors.accounts.IAccountReadModelsRebuilder")]
public interface IAccountReadModelsRebuilder : IGrainWithIntegerKey
{
    Task<AccountReadModelsRebuild> RebuildFromLog();
}
