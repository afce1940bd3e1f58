using Actors.EventSourcing;
using Actors.Hosting;
using Actors.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Actors.Accounts;

/// <summary>
/// One transfer, keyed by the client's id (stream <c>transfers-{id}</c>). It reads top to bottom:
/// <list type="number">
/// <item>decide the request on the transfer's state (its rules; an id already used answers from its record);</item>
/// <item>commit: the two accounts decide their legs, in account id order, and the last one appends both legs and the
/// transfer's record in one commit (<see cref="IAccountGrain.CommitTransfer"/>);</item>
/// <item>when an account refused its leg, nothing was written: record the refusal (the transfer failed, nothing moved);</item>
/// <item>reply.</item>
/// </list>
/// Exactly once: the commit appends the transfer's record at the version this grain decided on (0 for a new transfer),
/// so of any number of racing or repeated attempts one is recorded and the others find the record; a commit whose
/// outcome is unknown leaves the transfer in the log whole or not at all, and the next attempt reads which. A transfer
/// an older version left half done is finished by the same commits (<see cref="TransferCommand.Resume"/>) as soon as
/// anyone looks at it; with the durable log, <c>TransferRecovery</c> looks until it is finished.
/// </summary>
public sealed class TransferGrain([FromKeyedServices(DomainClock.Key)] TimeProvider time, ILogger<TransferGrain> logger)
    : MultiStreamGrain<TransferState, ITransferEvent>, ITransferGrain
{
    private const int MaxAttempts = 3;
    private bool _recordedHere; // this activation recorded the transfer (not merely found it)
    private Dictionary<Guid, long>? _legVersions; // what this activation's commits made each account's stream reach

    private string Id => this.GetPrimaryKeyString();

    protected override string StreamId => AccountIds.TransferStreamOf(Id);

    protected override TransferState Initial => TransferDecider.Initial;

    protected override TransferState Evolve(TransferState state, ITransferEvent @event) => TransferDecider.Evolve(state, @event);

    /// <summary>A commit whose reply was lost leaves this activation behind its stream: the next attempt reads it.</summary>
    protected override bool CatchUpOnConflict => true;

    /// <summary>
    /// A transfer grain is almost always activated by the request that creates it, and that request's commit expects
    /// the stream empty (an existing transfer is then never recorded again, and the refused commit makes this
    /// activation read the log): so activation does not read the stream; every answer from the state loads it first.
    /// </summary>
    private protected override bool LoadOnActivation => false;

    public async Task<TransferReply> Start(Guid from, Guid to, long amount, long requestedBy)
    {
        if (await RunAsync(new TransferCommand.Make(Id, from, to, amount, requestedBy, time.GetUtcNow())) is { } rejection)
        {
            return new TransferReply(null, rejection);
        }

        await ResumeIfPendingAsync(); // the same request again, for a transfer an older version left half done
        if (_recordedHere && State.IsTerminal)
        {
            // Just recorded, so nothing is left to do: an idle activation would stay in memory for the collection age
            // (15 min by default, a million activations at ~1,000 transfers/s) and cost every garbage collection. (Not on
            // a repeat: repeats queued behind this call would be forwarded from one deactivating activation to the next.)
            DeactivateOnIdle();
        }

        var completed = State.Step == TransferStep.Completed;
        return new TransferReply(
            State.ToView(Version), null, completed ? Position : 0,
            completed ? _legVersions?.Select(l => new TransferLegVersion(l.Key, l.Value)).ToArray() : null);
    }

    public async Task<TransferView?> GetView()
    {
        await EnsureLoadedAsync();
        await ResumeIfPendingAsync();
        return State.ToView(Version);
    }

    private async Task ResumeIfPendingAsync()
    {
        if (State.IsPending)
        {
            ActorsMetrics.PendingTransfers.Mark(Id, pending: true);
            try
            {
                // One commit per remaining step (at most two: the target's answer, then the source's settlement or refund).
                for (var step = 0; State.IsPending && step < 3; step++)
                {
                    if (await RunAsync(new TransferCommand.Resume(time.GetUtcNow())) is { } stuck)
                    {
                        logger.LogError("Transfer {TransferId} left half done by an older version cannot be finished: {Rejection}", Id, stuck);
                        break;
                    }
                }
            }
            catch (Exception error)
            {
                // It stays pending; whoever looks next (the durable mode's recovery, every few seconds) carries it on.
                logger.LogWarning(error, "Transfer {TransferId} left half done by an older version could not be finished yet.", Id);
            }

            ActorsMetrics.PendingTransfers.Mark(Id, State.IsPending);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        ActorsMetrics.PendingTransfers.Mark(Id, pending: false); // counted again where it wakes up
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Decides <paramref name="command"/> and commits its events with the accounts' legs, or records a refusal.</summary>
    private async Task<Rejection?> RunAsync(TransferCommand command)
    {
        var name = command.GetType().Name;
        for (var attempt = 1; ; attempt++)
        {
            // A new transfer is decided on the initial state without reading its stream: the commit's version-0 fence.
            var decision = TransferDecider.Decide(command, State);
            if (decision.Rejection is { } rejection)
            {
                ActorsMetrics.RecordDecision(nameof(TransferGrain), name, "rejected", rejection);
                return rejection;
            }

            if (decision.Events.Count == 0)
            {
                return null; // already done: the answer is the record
            }

            var legs = TransferDecider.LegsOf(command, State);
            var commit = CommitOf(command, legs, decision.Events);
            TransferCommitted outcome;
            try
            {
                outcome = await GrainFactory.GetGrain<IAccountGrain>(legs[0].Account).CommitTransfer(commit);
            }
            catch (Exception)
            {
                // The outcome is unknown (a timeout, a lost silo): the log says. Recorded: answer from it. Not yet: the call
                // fails, and since the commit may still land (a queued group commit), this activation reads the log again
                // before any answer; trying again with the same id is safe (the fence).
                if (await CatchUpAsync())
                {
                    continue;
                }

                UnconfirmedAppend();
                throw;
            }

            if (outcome.Recorded is { } recorded)
            {
                RememberLegs(legs, recorded);
                await LearnAsync(recorded[0], name);
                _recordedHere = true;
                return null;
            }

            if (outcome.Refusal is { } refusal)
            {
                var refused = new TransferCommand.LegRefusal(refusal, legs.Any(l => l.Account == outcome.RefusedBy && l.Kind == TransferLegKind.Receive));
                var (notRecorded, failed) = await DecideAsync(state => TransferDecider.Decide(WithRefusal(command, refused), state), command: name);
                _recordedHere |= failed.Count > 0;
                return notRecorded;
            }

            // Nothing written: a stream had moved on. This transfer's own (it exists: read it, answer from it) or an
            // account's (extended by a lost activation; that account has caught up).
            if (attempt >= MaxAttempts)
            {
                throw new InvalidOperationException($"Transfer {Id} found stream {outcome.Moved} moved on {MaxAttempts} times; nothing was written.");
            }

            await CatchUpAsync();
        }
    }

    /// <summary>Keeps the version each leg's events took its account's stream to (the recorded lists follow the legs' order).</summary>
    private void RememberLegs(IReadOnlyList<TransferLeg> legs, IReadOnlyList<IReadOnlyList<RecordedEvent>> recorded)
    {
        for (var i = 0; i < legs.Count && i + 1 < recorded.Count; i++)
        {
            if (recorded[i + 1] is [.., var last])
            {
                _legVersions ??= [];
                _legVersions[legs[i].Account] = Math.Max(_legVersions.GetValueOrDefault(legs[i].Account), last.Version);
            }
        }
    }

    private TransferCommit CommitOf(TransferCommand command, IReadOnlyList<TransferLeg> legs, IReadOnlyList<ITransferEvent> events)
    {
        var s = State;
        return command is TransferCommand.Make c
            ? new TransferCommit(Id, c.From, c.To, c.Amount, c.RequestedBy, null, null, c.At, legs, Version, events, [])
            : new TransferCommit(Id, s.From, s.To, s.Amount, s.RequestedBy, s.Currency, s.Reason, time.GetUtcNow(), legs, Version, events, []);
    }

    private static TransferCommand WithRefusal(TransferCommand command, TransferCommand.LegRefusal refused) => command switch
    {
        TransferCommand.Make c => c with { Refused = refused },
        TransferCommand.Resume c => c with { Refused = refused },
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown transfer command."),
    };
}
