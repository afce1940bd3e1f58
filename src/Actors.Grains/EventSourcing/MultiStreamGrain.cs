using System.Diagnostics;
using System.Runtime.CompilerServices;
using Actors.Observability;

namespace Actors.EventSourcing;

/// <summary>
/// An event-sourced grain whose events are sometimes appended in one commit together with other streams' events:
/// an account's leg of a transfer with the other account's leg and the transfer's record, a vote with its voter's
/// karma spend. Each aggregate still decides its own events on its own state (<see cref="PrepareAsync"/>); one of them
/// appends them all at the versions they were decided on (<see cref="AppendTogetherAsync"/>), all or nothing; the
/// others take in what was recorded for them (<see cref="LearnAsync"/>). Everything else is the five-step shell.
/// </summary>
public abstract class MultiStreamGrain<TState, TEvent> : EventSourcedGrain<TState, TEvent>
    where TEvent : class
{
    /// <summary>
    /// Decides <paramref name="decide"/> on the current state without appending. The answer holds the version the
    /// events must be appended at (by <see cref="AppendTogetherAsync"/>, here or in another aggregate). A refusal is
    /// counted here (it is final); an acceptance where its events are recorded.
    /// </summary>
    protected async Task<(long Version, Decision<TEvent> Decision)> PrepareAsync(
        Func<TState, Decision<TEvent>> decide, [CallerMemberName] string command = "")
    {
        await EnsureLoadedAsync();
        var decision = decide(State);
        if (decision.Rejection is not null && CatchUpOnConflict && await CatchUpAsync())
        {
            decision = decide(State); // a refusal is final for the caller: make sure it is not one from an older state
        }

        if (decision.Rejection is { } rejection)
        {
            ActorsMetrics.RecordDecision(GetType().Name, command, "rejected", rejection);
        }

        return (Version, decision);
    }

    /// <summary>
    /// Takes in events another writer appended to this stream on this aggregate's behalf (prepared here). Events already
    /// known are ignored; anything else than the next events of this state is read from the log instead. The command
    /// they were decided for, when given, is counted as accepted.
    /// </summary>
    protected async Task LearnAsync(IReadOnlyList<RecordedEvent> committed, string? command = null)
    {
        if (command is not null)
        {
            ActorsMetrics.RecordDecision(GetType().Name, command, committed.Count == 0 ? "unchanged" : "accepted", null);
        }

        if (committed.Count == 0 || committed[^1].Version <= Version)
        {
            return;
        }

        if (committed[0].Version == Version + 1)
        {
            Apply(committed); // appended at this state's version, so the stream was where this state is
        }
        else
        {
            await CatchUpAsync();
        }
    }

    /// <summary>
    /// Appends <paramref name="events"/> to this stream at the current version together with <paramref name="others"/>,
    /// all or nothing, in one commit (<see cref="IEventLog.AppendAtomicallyAsync"/>; the others first, in order), and
    /// evolves this state with its own. Returns the recorded events per stream: this one's first, then the others' in order. The other aggregates
    /// learn of theirs from the caller (<see cref="LearnAsync"/>). The command they were decided for, when given, is counted.
    /// </summary>
    /// <exception cref="WrongExpectedVersionException">A stream had moved on; nothing was written.</exception>
    protected async Task<IReadOnlyList<IReadOnlyList<RecordedEvent>>> AppendTogetherAsync(
        IReadOnlyList<TEvent> events, IReadOnlyList<StreamAppend> others, string? causationId = null, string? command = null)
    {
        // This stream's events last in the commit: the others' (e.g. the record of the transfer a leg belongs to) get
        // the lower positions, so a reader that has reached this stream's events has reached theirs.
        var all = new StreamAppend[others.Count + 1];
        for (var i = 0; i < others.Count; i++)
        {
            all[i] = others[i];
        }

        all[^1] = new StreamAppend(StreamId, Version, [.. events], MetadataFor(causationId));

        // A stream with nothing to append (a leg already recorded) is left out of the commit, and answered empty.
        var appends = Array.FindAll(all, a => a.Events.Count > 0);
        IReadOnlyList<IReadOnlyList<RecordedEvent>> written;
        var started = Stopwatch.GetTimestamp();
        try
        {
            written = appends.Length == 0 ? [] : await Log.AppendAtomicallyAsync(appends);
        }
        catch (WrongExpectedVersionException e) when (e.StreamId == StreamId)
        {
            OnOwnStreamConflict();
            throw;
        }
        catch (Exception e) when (e is not WrongExpectedVersionException)
        {
            UnconfirmedAppend();
            throw;
        }

        var recorded = new IReadOnlyList<RecordedEvent>[all.Length]; // this stream's first, as documented
        for (int i = 0, w = 0; i < all.Length; i++)
        {
            recorded[(i + 1) % all.Length] = all[i].Events.Count > 0 ? written[w++] : [];
        }

        foreach (var stream in recorded)
        {
            ActorsMetrics.RecordAppended(stream, started);
        }

        Apply(recorded[0]);
        if (command is not null)
        {
            ActorsMetrics.RecordDecision(GetType().Name, command, recorded[0].Count == 0 ? "unchanged" : "accepted", null);
        }
        foreach (var stream in recorded)
        {
            await PublishAsync(stream); // in-memory mode: the writer delivers every stream it wrote
        }

        return recorded;
    }
}
