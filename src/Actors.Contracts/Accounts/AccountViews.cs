using Actors.EventSourcing;

namespace Actors.Accounts;

/// <summary>What the owner sees of an account: the fold of its events up to <see cref="Version"/>.</summary>
/// <param name="Status"><c>open</c> or <c>closed</c>.</param>
[GenerateSerializer, Immutable, Alias("accounts.account-view")]
public sealed record AccountView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] long Owner,
    [property: Id(2)] string Currency,
    [property: Id(3)] long Balance,
    [property: Id(4)] long Version,
    [property: Id(5)] string Status,
    [property: Id(6)] DateTimeOffset OpenedAt);

/// <summary>
/// The answer to an account command: the account after it, or the rule that refused it. <see cref="Position"/> is the
/// global log position of the last event the command appended (0 when it appended none): a client that waits for a
/// view to reach it reads its own write.
/// </summary>
[GenerateSerializer, Immutable, Alias("accounts.account-reply")]
public sealed record AccountReply(
    [property: Id(0)] AccountView? View,
    [property: Id(1)] Rejection? Rejection)
{
    [Id(2)]
    public long Position { get; init; }
}

/// <summary>An account's part in a transfer's commit.</summary>
public enum TransferLegKind
{
    /// <summary>The source's money leaves and arrives in the same commit (or an older version's debit is settled).</summary>
    Send,

    /// <summary>The target takes the money.</summary>
    Receive,

    /// <summary>The source settles a debit an older version recorded on its own.</summary>
    Settle,

    /// <summary>The source gets back a debit an older version recorded on its own.</summary>
    Refund,
}

/// <summary>Which account decides which leg of a <see cref="TransferCommit"/>.</summary>
[GenerateSerializer, Immutable, Alias("accounts.transfer-leg")]
public sealed record TransferLeg(
    [property: Id(0)] Guid Account,
    [property: Id(1)] TransferLegKind Kind);

/// <summary>
/// One commit of a transfer: the terms, the legs in the order the accounts are asked (by account id, so no two commits
/// ever wait for each other in a cycle), and the transfer's own events, appended at <see cref="TransferVersion"/>
/// together with every leg's events when all accounts accept theirs. <see cref="Prepared"/> holds the legs decided so
/// far, by the accounts asked before.
/// </summary>
[GenerateSerializer, Immutable, Alias("accounts.transfer-commit")]
public sealed record TransferCommit(
    [property: Id(0)] string TransferId,
    [property: Id(1)] Guid From,
    [property: Id(2)] Guid To,
    [property: Id(3)] long Amount,
    [property: Id(4)] long By,
    [property: Id(5)] string? Currency,
    [property: Id(6)] string? Reason,
    [property: Id(7)] DateTimeOffset At,
    [property: Id(8)] IReadOnlyList<TransferLeg> Legs,
    [property: Id(9)] long TransferVersion,
    [property: Id(10)] IReadOnlyList<ITransferEvent> TransferEvents,
    [property: Id(11)] IReadOnlyList<PreparedLeg> Prepared);

/// <summary>An account's decision on its leg, not yet recorded: the events to append at <see cref="ExpectedVersion"/>, in its <see cref="Currency"/>.</summary>
[GenerateSerializer, Immutable, Alias("accounts.prepared-transfer-leg")]
public sealed record PreparedLeg(
    [property: Id(0)] Guid Account,
    [property: Id(1)] long ExpectedVersion,
    [property: Id(2)] IReadOnlyList<IAccountEvent> Events,
    [property: Id(3)] string Currency);

/// <summary>
/// How a <see cref="TransferCommit"/> ended: recorded (<see cref="Recorded"/>: the transfer stream's events, then each
/// leg's in the order of the legs), refused by the account <see cref="RefusedBy"/> (nothing written), or neither (a
/// stream had moved on: nothing written; <see cref="Moved"/> names it).
/// </summary>
[GenerateSerializer, Immutable, Alias("accounts.transfer-committed")]
public sealed record TransferCommitted(
    [property: Id(0)] IReadOnlyList<IReadOnlyList<RecordedEvent>>? Recorded,
    [property: Id(1)] Rejection? Refusal,
    [property: Id(2)] Guid? RefusedBy,
    [property: Id(3)] string? Moved)
{
    public static TransferCommitted Made(IReadOnlyList<IReadOnlyList<RecordedEvent>> recorded) => new(recorded, null, null, null);

    public static TransferCommitted Refused(Rejection refusal, Guid by) => new(null, refusal, by, null);

    public static TransferCommitted StreamMoved(string streamId) => new(null, null, null, streamId);
}

/// <summary>What the requester sees of a transfer.</summary>
/// <param name="Status"><c>pending</c>, <c>completed</c> or <c>failed</c>.</param>
/// <param name="Reason">Why it failed (the reason of a rejection code, such as <c>insufficient-funds</c>), else null.</param>
[GenerateSerializer, Immutable, Alias("transfers.transfer-view")]
public sealed record TransferView(
    [property: Id(0)] string Id,
    [property: Id(1)] Guid From,
    [property: Id(2)] Guid To,
    [property: Id(3)] long Amount,
    [property: Id(4)] string Status,
    [property: Id(5)] string? Reason,
    [property: Id(6)] long RequestedBy,
    [property: Id(7)] DateTimeOffset RequestedAt,
    [property: Id(8)] long Version);

/// <summary>The answer to a transfer request: the transfer, or the rule that refused to start it.</summary>
[GenerateSerializer, Immutable, Alias("transfers.transfer-reply")]
/// <param name="Position">The log position of a completed transfer's record, the first event of its commit (both accounts' legs follow it), else 0.</param>
/// <param name="Legs">
/// The version each account's stream reached with its leg, when this activation recorded the transfer (for
/// read-your-writes: a read model holds the transfer once it holds that version); null when not known here.
/// </param>
public sealed record TransferReply(
    [property: Id(0)] TransferView? View,
    [property: Id(1)] Rejection? Rejection,
    [property: Id(2)] long Position = 0,
    [property: Id(3)] IReadOnlyList<TransferLegVersion>? Legs = null);

/// <summary>The version of <see cref="Account"/>'s stream right after its leg of a transfer was recorded.</summary>
[GenerateSerializer, Immutable, Alias("transfers.transfer-leg-version")]
public sealed record TransferLegVersion(
    [property: Id(0)] Guid Account,
    [property: Id(1)] long Version);

/// <summary>One line of an account statement: a movement of money and the balance right after it.</summary>
/// <param name="Kind"><c>deposit</c>, <c>withdrawal</c>, <c>transfer-out</c>, <c>transfer-in</c> or <c>refund</c>.</param>
/// <param name="Amount">Signed: positive in, negative out.</param>
/// <param name="Counterparty">The other account of a transfer.</param>
[GenerateSerializer, Immutable, Alias("accounts.statement-entry")]
public sealed record StatementEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Kind,
    [property: Id(3)] long Amount,
    [property: Id(4)] long Balance,
    [property: Id(5)] string? TransferId,
    [property: Id(6)] Guid? Counterparty);

/// <summary>Read model: the movements of one account with running balance, as of event <see cref="Version"/>.</summary>
[GenerateSerializer, Immutable, Alias("accounts.statement")]
public sealed record AccountStatement(
    [property: Id(0)] Guid AccountId,
    [property: Id(1)] long Owner,
    [property: Id(2)] string Currency,
    [property: Id(3)] string Status,
    [property: Id(4)] long Balance,
    [property: Id(5)] long Version,
    [property: Id(6)] IReadOnlyList<StatementEntry> Entries);

/// <summary>One account in an owner's summary.</summary>
[GenerateSerializer, Immutable, Alias("accounts.owner-account-line")]
public sealed record OwnerAccountLine(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Currency,
    [property: Id(2)] long Balance,
    [property: Id(3)] string Status,
    [property: Id(4)] long Version,
    [property: Id(5)] DateTimeOffset OpenedAt);

/// <summary>The sum of an owner's balances in one currency.</summary>
[GenerateSerializer, Immutable, Alias("accounts.currency-total")]
public sealed record CurrencyTotal(
    [property: Id(0)] string Currency,
    [property: Id(1)] long Balance);

/// <summary>Read model: every account of one owner (ordered by opening, then id) and the totals per currency.</summary>
[GenerateSerializer, Immutable, Alias("accounts.owner-summary")]
public sealed record OwnerAccountsSummary(
    [property: Id(0)] long Owner,
    [property: Id(1)] IReadOnlyList<OwnerAccountLine> Accounts,
    [property: Id(2)] IReadOnlyList<CurrencyTotal> Totals);

/// <summary>Both read models as a replay of the whole accounts history computes them (to compare with the live ones).</summary>
[GenerateSerializer, Immutable, Alias("accounts.read-models-rebuild")]
public sealed record AccountReadModelsRebuild(
    [property: Id(0)] IReadOnlyList<AccountStatement> Statements,
    [property: Id(1)] IReadOnlyList<OwnerAccountsSummary> Owners,
    [property: Id(2)] long LastPosition);
