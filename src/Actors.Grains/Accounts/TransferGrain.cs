using Actors.EventSourcing;
using Actors.Hosting;
using Actors.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Actors.Accounts;

/// <summary>
/// The transfer process. A new transfer is recorded in one commit with both accounts' legs
/// (<see cref="IAccountGrain.TransferTogether"/>); when that cannot be done, it goes step by step: it records each
/// account's answer through <see cref="Transfer"/> and performs the next step.
/// Exactly-once money movement rests on two facts: every account step is idempotent by transfer id, and this grain
/// handles one call at a time, so concurrent retries of one id queue up and find the transfer already done.
/// A pending transfer is never forgotten: an activation that finds it pending resumes it at once and keeps a grain
/// timer until it is terminal. A transfer interrupted by a crash is woken up without any client retrying: with the
/// durable log by <c>TransferRecovery</c>, which finds pending transfers in the log itself (so the hot path writes
/// nothing but the log); optionally (<see cref="TransferOptions.ResumeWithReminders"/>) by a reminder registered
/// before the first step and removed when the transfer is terminal.
/// </summary>
public sealed class TransferGrain(
    [FromKeyedServices(DomainClock.Key)] TimeProvider time, IOptions<TransferOptions> options, ILogger<TransferGrain> logger)
    : EventSourcedGrain<TransferState, ITransferEvent>, ITransferGrain, IRemindable
{
    private const string ResumeReminder = "resume-transfer";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(2);
    private IGrainTimer? _retry;
    private bool _remind;
    private bool _reminderRegistered;
    private bool _settled;
    private bool _resumeChecked;

    private string Id => this.GetPrimaryKeyString();

    protected override string StreamId => AccountIds.TransferStreamOf(Id);

    protected override TransferState Initial => Transfer.Initial;

    protected override TransferState Evolve(TransferState state, ITransferEvent @event) => Transfer.Evolve(state, @event);

    /// <summary>
    /// A one-commit transfer whose reply was lost leaves this activation behind its stream; the request that follows
    /// must find the transfer made, not fail. Every step is decided on the stream's latest state either way.
    /// </summary>
    protected override bool CatchUpOnConflict => true;

    /// <summary>
    /// A transfer grain is almost always activated by the request that creates it: that request goes straight to the
    /// one-commit path, whose append expects the transfer's stream empty (so a transfer that exists is never recorded
    /// again, and the refusal of that append makes this activation read the log); everything else loads first.
    /// </summary>
    protected override bool LoadOnActivation => false;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        // Off by default: the durable mode's TransferRecovery finds pending transfers in the log (no write per transfer).
        _remind = options.Value.ResumeWithReminders;
    }

    /// <summary>Reads the transfer's stream the first time it is needed, and resumes it if it is half done.</summary>
    private async Task LoadAsync()
    {
        if (IsLoaded && _resumeChecked)
        {
            return;
        }

        await EnsureLoadedAsync();
        _resumeChecked = true;
        ActorsMetrics.PendingTransfers.Mark(Id, IsPending);
        if (IsPending)
        {
            // Found half-done (a crash, or a deactivation while an account was unreachable): carry on right away. The
            // first drive also makes sure a reminder exists (the crash may have come before it was registered).
            ScheduleRetry(TimeSpan.Zero);
        }
    }

    public async Task<TransferReply> Start(Guid from, Guid to, long amount, long requestedBy)
    {
        var request = new RequestTransfer(Id, from, to, amount, requestedBy, time.GetUtcNow());
        if (options.Value.InOneCommit && State.Step == TransferStep.None && await TryInOneCommitAsync(request))
        {
            ActorsMetrics.RecordDecision(nameof(TransferGrain), nameof(Start), "accepted", null);
            // Recorded in one commit, so nothing is left to do: an idle activation would stay in memory for the
            // collection age (15 min by default, a million activations at ~1,000 transfers/s) and cost every garbage
            // collection. A later look at the transfer reads its stream.
            DeactivateOnIdle();
            return new TransferReply(State.ToView(Version), null);
        }

        // An existing transfer (the same request again, or another under a used id) or one that could not be made in
        // one commit: the request is decided on what the log holds.
        await LoadAsync();
        var (rejection, _) = await DecideAsync(state => Transfer.Decide(request, state));
        ActorsMetrics.PendingTransfers.Mark(Id, IsPending);
        if (rejection is not null)
        {
            return new TransferReply(null, rejection);
        }

        await DriveAsync();
        return new TransferReply(State.ToView(Version), null);
    }

    /// <summary>
    /// The fast path: both accounts decide their legs and the transfer's request and outcome are recorded with both
    /// legs in one atomic append (<see cref="IAccountGrain.TransferTogether"/>). Nothing is ever pending and a crash
    /// leaves either the whole transfer or nothing. When it cannot be done that way (a leg already recorded under this
    /// id, a stream that moved on, an unknown outcome), the transfer is left as the log holds it, not terminal, and the
    /// step-by-step path takes over. True when this call recorded the transfer (made, or failed on a refusal).
    /// </summary>
    private async Task<bool> TryInOneCommitAsync(RequestTransfer request)
    {
        var made = Transfer.Decide(new MakeTransfer(Id, request.From, request.To, request.Amount, request.RequestedBy, request.At), State);
        if (made is not { Rejection: null, Events.Count: > 0 })
        {
            return false; // a request its rules refuse: answered by the request path
        }

        var first = request.From.CompareTo(request.To) < 0 ? request.From : request.To;
        TransferTogetherOutcome outcome;
        try
        {
            outcome = await GrainFactory.GetGrain<IAccountGrain>(first).TransferTogether(new TransferTogether(
                Id, request.From, request.To, request.Amount, request.RequestedBy, made.Events));
        }
        catch (Exception error)
        {
            // Unknown outcome (a timeout, a silo lost, an account on a silo of an older version): whatever the log
            // says decides. Made: answer it. Not made: the step-by-step path, which keeps the transfer pending and
            // retrying through any further failure (and the version-0 fence keeps a late commit from doubling it).
            logger.LogWarning(error, "Transfer {TransferId} could not be made in one commit; reading the log and going step by step.", Id);
            await CatchUpAsync();
            return false;
        }

        if (outcome.Refusal is { } refusal)
        {
            // Appended at version 0 like the one commit; if the transfer existed after all, this reads it and changes nothing.
            var (_, failed) = await DecideAsync(state => Transfer.Decide(new RecordRefused(request, refusal), state), command: nameof(RecordRefused));
            return failed.Count > 0;
        }

        if (outcome.Recorded is { } recorded)
        {
            await LearnAsync(recorded);
            return true;
        }

        return false;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        ActorsMetrics.PendingTransfers.Mark(Id, pending: false); // counted again where it wakes up
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<TransferView?> GetView()
    {
        await LoadAsync();
        if (IsPending)
        {
            ScheduleRetry(TimeSpan.Zero); // belt and braces: whoever looks at a pending transfer makes sure it is moving
        }

        return State.ToView(Version);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await LoadAsync();
        await DriveAsync(fromReminder: true);
    }

    private bool IsPending => State.Step != TransferStep.None && !State.IsTerminal;

    /// <summary>
    /// Performs steps until the transfer is terminal, then removes what was keeping it awake. On any failure it stays
    /// pending with the retry timer running: a pending transfer in a live activation always has a timer, because
    /// nothing else is guaranteed to call it again (the client may be gone and a reminder may not exist yet).
    /// </summary>
    private async Task DriveAsync(bool fromReminder = false)
    {
        try
        {
            await EnsureLoadedAsync(); // after an append the log did not confirm: act only on what the log holds
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "Transfer {TransferId} could not read its log; it will be retried.", Id);
            ScheduleRetry(RetryPeriod);
            return;
        }

        if (IsPending)
        {
            try
            {
                if (_remind && !_reminderRegistered)
                {
                    // Before the first step: from here on, a crash anywhere leaves something that wakes this transfer up.
                    await this.RegisterOrUpdateReminder(ResumeReminder, ReminderPeriod, ReminderPeriod);
                    _reminderRegistered = true;
                }

                for (var action = Transfer.NextAction(State); action != TransferAction.None; action = Transfer.NextAction(State))
                {
                    await StepAsync(action);
                }
            }
            catch (Exception error)
            {
                // Includes a version conflict, this stream's (read again before the next step) or an account's.
                logger.LogWarning(error, "Transfer {TransferId} stays pending after a failed step; it will be retried.", Id);
                ScheduleRetry(RetryPeriod);
                return;
            }
        }

        if (_settled && !fromReminder)
        {
            return; // a repeat of a finished transfer: nothing left to clean up
        }

        _retry?.Dispose();
        _retry = null;
        try
        {
            if ((_remind || fromReminder) && await this.GetReminder(ResumeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _settled = true;
        }
        catch (Exception error)
        {
            // The transfer is over; a reminder left behind only wakes it once more, and that tick removes it.
            logger.LogWarning(error, "Transfer {TransferId} ended but its reminder could not be removed yet.", Id);
        }
    }

    /// <summary>
    /// Performs <paramref name="action"/> and records what it established. Debit, credit and settlement run back to
    /// back and are recorded in one append (<see cref="RecordLegs"/>): every account step is idempotent by transfer
    /// id, so a crash before that append only makes the resumed transfer repeat them, harmlessly. A refusal is
    /// recorded before anything acts on it (a refund is never made for a credit that might still be accepted).
    /// </summary>
    private async Task StepAsync(TransferAction action)
    {
        var s = State;
        var from = GrainFactory.GetGrain<IAccountGrain>(s.From);
        var to = GrainFactory.GetGrain<IAccountGrain>(s.To);
        TransferCommand answer;
        switch (action)
        {
            case TransferAction.DebitSource:
                var debit = await from.DebitForTransfer(s.Id, s.To, s.Amount, s.RequestedBy);
                answer = debit.Rejection is null
                    ? await CreditAndSettleAsync(from, to, debit.View!.Currency)
                    : new RecordDebit("", debit.Rejection, time.GetUtcNow());
                break;
            case TransferAction.CreditTarget:
                answer = await CreditAndSettleAsync(from, to, s.Currency!);
                break;
            case TransferAction.SettleSource:
                Expect(await from.SettleTransfer(s.Id));
                answer = new RecordSettled(time.GetUtcNow());
                break;
            case TransferAction.RefundSource:
                Expect(await from.RefundTransfer(s.Id, s.Reason ?? "target-refused"));
                answer = new RecordRefunded(time.GetUtcNow());
                break;
            default:
                return;
        }

        var (rejection, _) = await DecideAsync(state => Transfer.Decide(answer, state), command: answer.GetType().Name);
        ActorsMetrics.PendingTransfers.Mark(Id, IsPending);
        if (rejection is not null)
        {
            throw new InvalidOperationException($"Transfer {Id} refused its own step answer: {rejection}");
        }
    }

    /// <summary>The source has been debited: credit the target and, when it accepts, settle the source.</summary>
    private async Task<RecordLegs> CreditAndSettleAsync(IAccountGrain from, IAccountGrain to, string currency)
    {
        var s = State;
        var credit = await to.CreditForTransfer(s.Id, s.From, s.Amount, currency);
        if (credit.Rejection is null)
        {
            Expect(await from.SettleTransfer(s.Id));
        }

        return new RecordLegs(currency, credit.Rejection, time.GetUtcNow());
    }

    /// <summary>Settling and refunding a debited transfer cannot be refused; if it is, something is badly wrong: stay pending, loudly.</summary>
    private void Expect(AccountReply reply)
    {
        if (reply.Rejection is { } rejection)
        {
            throw new InvalidOperationException($"Transfer {Id}: the source account refused a settlement step: {rejection}");
        }
    }

    private void ScheduleRetry(TimeSpan dueTime)
    {
        _retry ??= this.RegisterGrainTimer(_ => DriveAsync(), new GrainTimerCreationOptions(dueTime, RetryPeriod) { KeepAlive = true });
    }
}

/// <summary>Settings of the transfer process (configuration section <c>Transfers</c> where bound).</summary>
public sealed class TransferOptions
{
    /// <summary>The configuration section (<c>Transfers__InOneCommit=false</c> as an environment variable).</summary>
    public const string Section = "Transfers";

    /// <summary>
    /// Whether a new transfer is recorded in one commit with both accounts' legs (default). Switch it off while a
    /// cluster is upgraded from a version without it (those silos know neither the one-commit calls nor the events
    /// they record), and on again once every silo runs this version. Off, every transfer goes step by step.
    /// </summary>
    public bool InOneCommit { get; set; } = true;

    /// <summary>
    /// Whether a pending transfer also holds a reminder (one reminder write per transfer, and one removal, each its
    /// own database transaction). Off by default: with the durable log, <c>TransferRecovery</c> wakes pending
    /// transfers from the log; with the in-memory log, a transfer cannot outlive the process anyway.
    /// </summary>
    public bool ResumeWithReminders { get; set; }

    /// <summary>
    /// How many finished transfer ids each account keeps for idempotency (the newest; default 10,000). A repeated step
    /// of an older transfer is still done once: the account then looks its legs up in the log (slower, and rare).
    /// </summary>
    public int TransferIdsKept { get; set; } = KeptTransfers.DefaultKeep;
}
