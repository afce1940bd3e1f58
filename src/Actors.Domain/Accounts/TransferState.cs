namespace Actors.Accounts;

/// <summary>
/// Where a transfer stands. A transfer is made in one commit (None -> Completed, or None -> Failed when an account
/// refuses its leg); the states in between exist in streams an older version wrote step by step, and a transfer found
/// in one of them is finished by the same kind of commit (<see cref="TransferCommand.Resume"/>).
/// </summary>
public enum TransferStep
{
    /// <summary>Never requested.</summary>
    None,

    /// <summary>Requested by an older version; the source may have been debited.</summary>
    Requested,

    /// <summary>The source was debited by an older version: the target is credited next.</summary>
    Debited,

    /// <summary>The money arrived: the source's debit is settled next.</summary>
    Credited,

    /// <summary>The target refused: the source's debit is refunded next.</summary>
    TargetRefused,

    Completed,
    Failed,
}

public sealed record TransferState(
    string Id,
    Guid From,
    Guid To,
    long Amount,
    long RequestedBy,
    DateTimeOffset RequestedAt,
    TransferStep Step,
    string? Currency,
    string? Reason)
{
    public static readonly TransferState Initial = new("", Guid.Empty, Guid.Empty, 0, 0, default, TransferStep.None, null, null);

    public bool IsTerminal => Step is TransferStep.Completed or TransferStep.Failed;

    /// <summary>Left half done by an older version: a <see cref="TransferCommand.Resume"/> finishes it.</summary>
    public bool IsPending => Step != TransferStep.None && !IsTerminal;

    /// <summary>The requester's view after event <paramref name="version"/>; null when never requested.</summary>
    public TransferView? ToView(long version) => Step == TransferStep.None
        ? null
        : new TransferView(Id, From, To, Amount, Step switch
        {
            TransferStep.Completed => "completed",
            TransferStep.Failed => "failed",
            _ => "pending",
        }, Step == TransferStep.Failed ? Reason : null, RequestedBy, RequestedAt, version);
}
