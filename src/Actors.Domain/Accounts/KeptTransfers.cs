using System.Collections.Immutable;

namespace Actors.Accounts;

/// <summary>A finished transfer leg an account still remembers the id of, and when it finished here.</summary>
public sealed record KeptTransfer(string Id, DateTimeOffset At);

/// <summary>
/// The retention rule for the transfer ids an account keeps for idempotency: the ids of its last <c>keep</c> finished
/// transfers (sent, credited, settled or refunded here), oldest first. A transfer still in flight (debited, not yet
/// settled or refunded) is never forgotten: its money may still have to come back. <see cref="ForgottenThrough"/> is
/// when the newest forgotten leg finished (null: nothing forgotten yet), so a transfer requested later than that can
/// never be one this account forgot (<see cref="TransferIdRetention.MayHaveForgotten(AccountState, string)"/>).
/// </summary>
public sealed record KeptTransfers(ImmutableQueue<KeptTransfer> Oldest, int Count, DateTimeOffset? ForgottenThrough)
{
    public static readonly KeptTransfers None = new(ImmutableQueue<KeptTransfer>.Empty, 0, null);

    /// <summary>The default of <c>Transfers:TransferIdsKept</c>: ~1.5 MB per account that busy, nothing for the others.</summary>
    public const int DefaultKeep = 10_000;

    /// <summary>Remembers <paramref name="finished"/>, the newest.</summary>
    public KeptTransfers Add(KeptTransfer finished) => this with { Oldest = Oldest.Enqueue(finished), Count = Count + 1 };

    /// <summary>Forgets the oldest id (there must be one), and so moves <see cref="ForgottenThrough"/> up to its time.</summary>
    public KeptTransfers ForgetOldest(out string forgotten)
    {
        var oldest = Oldest.Dequeue(out var dropped);
        forgotten = dropped.Id;
        return new KeptTransfers(oldest, Count - 1, ForgottenThrough is { } f && f > dropped.At ? f : dropped.At);
    }
}
