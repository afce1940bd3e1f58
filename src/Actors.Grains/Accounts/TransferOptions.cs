namespace Actors.Accounts;

/// <summary>Settings of the transfer process (configuration section <c>Transfers</c> where bound).</summary>
public sealed class TransferOptions
{
    /// <summary>The configuration section (<c>Transfers__TransferIdsKept=1000</c> as an environment variable).</summary>
    public const string Section = "Transfers";

    /// <summary>
    /// How many finished transfer ids each account keeps for idempotency (the newest; default 10,000). A repeated step
    /// of an older transfer is still done once: the account then looks its legs up in the log (slower, and rare).
    /// </summary>
    public int TransferIdsKept { get; set; } = KeptTransfers.DefaultKeep;
}
