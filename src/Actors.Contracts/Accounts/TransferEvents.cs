namespace Actors.Accounts;

/// <summary>
/// Marker of every event of the transfers category (stream <c>transfers-{id}</c>): the recorded progress of one
/// transfer process. Every step on an account is idempotent by transfer id and its outcome is recorded here, so a
/// restarted process repeats at most its last step, harmlessly, and then carries on from the recorded state.
/// </summary>
public interface ITransferEvent
{
    /// <summary>When it happened.</summary>
    DateTimeOffset At { get; }
}

/// <summary><see cref="RequestedBy"/> asked to move <see cref="Amount"/> minor units from <see cref="From"/> to <see cref="To"/>.</summary>
[GenerateSerializer, Immutable, Alias("transfers.transfer-requested")]
public sealed record TransferRequested(
    [property: Id(0)] string TransferId,
    [property: Id(1)] Guid From,
    [property: Id(2)] Guid To,
    [property: Id(3)] long Amount,
    [property: Id(4)] long RequestedBy,
    [property: Id(5)] DateTimeOffset At) : ITransferEvent;

/// <summary>The source account confirmed the debit, in its <see cref="Currency"/> (the target must hold the same).</summary>
[GenerateSerializer, Immutable, Alias("transfers.source-debited")]
public sealed record TransferSourceDebited(
    [property: Id(0)] string TransferId,
    [property: Id(1)] string Currency,
    [property: Id(2)] DateTimeOffset At) : ITransferEvent;

/// <summary>The target account confirmed the credit: the money has arrived.</summary>
[GenerateSerializer, Immutable, Alias("transfers.target-credited")]
public sealed record TransferTargetCredited(
    [property: Id(0)] string TransferId,
    [property: Id(1)] DateTimeOffset At) : ITransferEvent;

/// <summary>The target refused the credit (<see cref="Reason"/> = its rejection code): the debit must be refunded.</summary>
[GenerateSerializer, Immutable, Alias("transfers.target-refused")]
public sealed record TransferTargetRefused(
    [property: Id(0)] string TransferId,
    [property: Id(1)] string Reason,
    [property: Id(2)] DateTimeOffset At) : ITransferEvent;

/// <summary>Terminal: the money moved and the source has settled it.</summary>
[GenerateSerializer, Immutable, Alias("transfers.transfer-completed")]
public sealed record TransferCompleted(
    [property: Id(0)] string TransferId,
    [property: Id(1)] DateTimeOffset At) : ITransferEvent;

/// <summary>
/// Terminal, the whole transfer at once: requested and completed in the same commit as both accounts' legs
/// (<c>accounts.transfer-sent</c> on the source, <c>accounts.transfer-credited</c> on the target).
/// </summary>
[GenerateSerializer, Immutable, Alias("transfers.transfer-made")]
public sealed record TransferMade(
    [property: Id(0)] string TransferId,
    [property: Id(1)] Guid From,
    [property: Id(2)] Guid To,
    [property: Id(3)] long Amount,
    [property: Id(4)] long RequestedBy,
    [property: Id(5)] DateTimeOffset At) : ITransferEvent;

/// <summary>Terminal: no money moved (any debit was refunded). <see cref="Reason"/> is a stable rejection code.</summary>
[GenerateSerializer, Immutable, Alias("transfers.transfer-failed")]
public sealed record TransferFailed(
    [property: Id(0)] string TransferId,
    [property: Id(1)] string Reason,
    [property: Id(2)] DateTimeOffset At) : ITransferEvent;
