namespace Actors.Accounts;

/// <summary>
/// The retention rule of an account's transfer ids. The id sets make every leg idempotent: a repeated leg finds its id
/// and changes nothing. They hold the ids of transfers in flight and of the last finished ones only
/// (<see cref="AccountState.Kept"/>), so an account's memory does not grow with its history; a leg for a forgotten id
/// is decided on the state with that transfer's legs recalled from the log (<see cref="Recall"/>).
/// </summary>
public static class TransferIdRetention
{
    /// <summary>
    /// The clock difference allowed between the silo that timed a transfer's request and the one that timed its legs
    /// here: a transfer requested more than this after the last forgotten leg finished cannot be one of them.
    /// </summary>
    public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether a step of <paramref name="transferId"/> must look in the log first: the sets do not know the id, and
    /// this account has forgotten some ids (so it may be one of them). Without a request time at hand.
    /// </summary>
    public static bool MayHaveForgotten(AccountState state, string transferId) =>
        state.Kept.ForgottenThrough is not null
        && !state.Debited.Contains(transferId) && !state.Credited.Contains(transferId) && !state.Refunded.Contains(transferId);

    /// <summary>
    /// The same, knowing when the transfer was requested (from its own stream): its legs here finished after that, so
    /// a transfer requested after the newest forgotten leg (with the clock allowance) was never forgotten.
    /// </summary>
    public static bool MayHaveForgotten(AccountState state, string transferId, DateTimeOffset requestedAt) =>
        MayHaveForgotten(state, transferId) && requestedAt <= state.Kept.ForgottenThrough!.Value + ClockSkewAllowance;

    /// <summary>
    /// The state a step of a transfer this account may have forgotten is decided on: <paramref name="legs"/>, this
    /// account's events of that transfer read from the log, put back into the id sets. Money and in-flight transfers are
    /// never forgotten, so this decides exactly as the state that kept every id would.
    /// </summary>
    public static AccountState Recall(AccountState state, IEnumerable<IAccountEvent> legs)
    {
        foreach (var leg in legs)
        {
            state = leg switch
            {
                TransferDebited e => state with { Debited = state.Debited.Add(e.TransferId) },
                TransferSent e => state with { Debited = state.Debited.Add(e.TransferId) },
                TransferCredited e => state with { Credited = state.Credited.Add(e.TransferId) },
                TransferRefunded e => state with { Debited = state.Debited.Add(e.TransferId), Refunded = state.Refunded.Add(e.TransferId) },
                _ => state,
            };
        }

        return state;
    }

    /// <summary>The transfer an event of this account belongs to, or null.</summary>
    public static string? TransferIdOf(IAccountEvent @event) => @event switch
    {
        TransferDebited e => e.TransferId,
        TransferSent e => e.TransferId,
        TransferCredited e => e.TransferId,
        TransferRefunded e => e.TransferId,
        TransferSettled e => e.TransferId,
        _ => null,
    };

    /// <summary>The transfer an event ends on this account's side (nothing more can happen to it here), or null.</summary>
    internal static KeptTransfer? FinishedHere(IAccountEvent @event) => @event switch
    {
        TransferSent e => new KeptTransfer(e.TransferId, e.At),
        TransferCredited e => new KeptTransfer(e.TransferId, e.At),
        TransferSettled e => new KeptTransfer(e.TransferId, e.At),
        TransferRefunded e => new KeptTransfer(e.TransferId, e.At),
        _ => null,
    };

    /// <summary>
    /// Remembers <paramref name="finished"/> and drops the oldest ids beyond <paramref name="keep"/> (one per finished
    /// leg once the account has that many; more only when the setting was lowered). One state copy for it all: this
    /// runs on every finished leg, on the hot path and in every replay.
    /// </summary>
    internal static AccountState Forget(AccountState state, KeptTransfer finished, int keep)
    {
        var kept = state.Kept.Add(finished);
        if (kept.Count <= Math.Max(keep, 0))
        {
            return state with { Kept = kept };
        }

        var (debited, credited, refunded) = (state.Debited, state.Credited, state.Refunded);
        while (kept.Count > Math.Max(keep, 0))
        {
            kept = kept.ForgetOldest(out var id);
            if (!state.Unsettled.ContainsKey(id)) // never the case for a finished leg; kept as the rule's guard
            {
                (debited, credited, refunded) = (debited.Remove(id), credited.Remove(id), refunded.Remove(id));
            }
        }

        return state with { Kept = kept, Debited = debited, Credited = credited, Refunded = refunded };
    }
}
