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

    /// <summary>Transfer step 1, idempotent by <paramref name="transferId"/>: take the amount out (owner only, no overdraft).</summary>
    Task<AccountReply> DebitForTransfer(string transferId, Guid to, long amount, long by);

    /// <summary>Transfer step 2, idempotent by <paramref name="transferId"/>: pay the amount in (open account, same currency).</summary>
    Task<AccountReply> CreditForTransfer(string transferId, Guid from, long amount, string currency);

    /// <summary>Compensation, idempotent: give back the amount of a debited transfer whose target refused it.</summary>
    Task<AccountReply> RefundTransfer(string transferId, string reason);

    /// <summary>Last step, idempotent: the debited transfer arrived; it can no longer be refunded.</summary>
    Task<AccountReply> SettleTransfer(string transferId);

    /// <summary>
    /// Records <paramref name="transfer"/> in one commit: this account (the one of the two with the lower id) decides
    /// its leg, then asks the other (<see cref="JoinTransfer"/>) to decide its own and to append both legs and the
    /// transfer's events atomically. Each account keeps its turn until the commit is over, so neither can move in
    /// between; taking the two in id order means two transfers can never wait for each other in a cycle.
    /// </summary>
    Task<TransferTogetherOutcome> TransferTogether(TransferTogether transfer);

    /// <summary>The second half of <see cref="TransferTogether"/>, called by the first account with its decided leg.</summary>
    Task<TransferJoined> JoinTransfer(TransferTogether transfer, PreparedLeg first);
}

/// <summary>
/// The process that moves money between two accounts, keyed by the client's transfer id (log stream
/// <c>transfers-{id}</c>). Starting the same id again, concurrently or later, returns the same transfer and moves
/// the money at most once; a pending transfer resumes on its own after a crash (activation, timer, reminder).
/// </summary>
[Alias("actors.accounts.ITransferGrain")]
public interface ITransferGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the transfer, or returns it when this id was already started with the same parameters (a different
    /// request under the same id is refused with <c>transfer-conflict</c>). Returns once it is terminal, unless an
    /// account could not be reached: then it stays pending and resumes by itself.
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
