namespace Actors.Accounts;

/// <summary>
/// What can be asked of one transfer. A closed hierarchy: the private constructor keeps every command in this file.
/// Each is decided twice at most: before the accounts are asked (its events are then recorded in one commit with
/// the accounts' legs, <see cref="TransferDecider.LegsOf"/>), and, when an account refused its leg and nothing was
/// written, again with that refusal (its events are then recorded alone).
/// </summary>
public abstract record TransferCommand
{
    private TransferCommand()
    {
    }

    /// <summary>An account's refusal of its leg; <paramref name="ByTarget"/> when the target refused.</summary>
    public sealed record LegRefusal(Rejection Refusal, bool ByTarget);

    /// <summary>Move <paramref name="Amount"/> from <paramref name="From"/> to <paramref name="To"/> under the client's id.</summary>
    public sealed record Make(
        string TransferId, Guid From, Guid To, long Amount, long RequestedBy, DateTimeOffset At, LegRefusal? Refused = null)
        : TransferCommand;

    /// <summary>Finish a transfer an older version left half done (<see cref="TransferState.IsPending"/>).</summary>
    public sealed record Resume(DateTimeOffset At, LegRefusal? Refused = null) : TransferCommand;
}
