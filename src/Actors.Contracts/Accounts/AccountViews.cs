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

/// <summary>
/// A transfer to record in one commit (<see cref="IAccountGrain.TransferTogether"/>): the request, and the transfer
/// process's own events (request and outcome) to record at the start of its stream together with both legs.
/// </summary>
[GenerateSerializer, Immutable, Alias("accounts.transfer-together")]
public sealed record TransferTogether(
    [property: Id(0)] string TransferId,
    [property: Id(1)] Guid From,
    [property: Id(2)] Guid To,
    [property: Id(3)] long Amount,
    [property: Id(4)] long By,
    [property: Id(5)] IReadOnlyList<ITransferEvent> TransferEvents);

/// <summary>
/// An account's decision on its leg of a <see cref="TransferTogether"/>, not yet recorded: the events to append at
/// <see cref="ExpectedVersion"/>, in the account's <see cref="Currency"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("accounts.prepared-leg")]
public sealed record PreparedLeg(
    [property: Id(0)] long ExpectedVersion,
    [property: Id(1)] IReadOnlyList<IAccountEvent> Events,
    [property: Id(2)] string Currency);

/// <summary>
/// How a <see cref="TransferTogether"/> ended: an account refused its leg (<see cref="Refusal"/>; nothing was
/// written), or everything was recorded (<see cref="Recorded"/>: the transfer stream's events), or neither (a leg was
/// already recorded under this id, or a stream moved on): then nothing was written and the caller goes step by step.
/// </summary>
[GenerateSerializer, Immutable, Alias("accounts.transfer-together-outcome")]
public sealed record TransferTogetherOutcome(
    [property: Id(0)] Rejection? Refusal,
    [property: Id(1)] IReadOnlyList<RecordedEvent>? Recorded)
{
    public static readonly TransferTogetherOutcome NotInOneCommit = new(null, null);
}

/// <summary>The second account's answer to the first: the outcome, and the first account's recorded leg when written.</summary>
[GenerateSerializer, Immutable, Alias("accounts.transfer-joined")]
public sealed record TransferJoined(
    [property: Id(0)] TransferTogetherOutcome Outcome,
    [property: Id(1)] IReadOnlyList<RecordedEvent>? FirstLeg);

/// <summary>What the requester sees of a transfer.</summary>
/// <param name="Status"><c>pending</c>, <c>completed</c> or <c>failed</c>.</param>
/// <param name="Reason">Why it failed (a stable rejection code such as <c>insufficient-funds</c>), else null.</param>
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
public sealed record TransferReply(
    [property: Id(0)] TransferView? View,
    [property: Id(1)] Rejection? Rejection);

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
