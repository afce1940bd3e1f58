using Actors.EventSourcing;
using Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Actors.Accounts;

/// <summary>
/// The transfer process: records each account's answer through <see cref="Transfer"/> and performs the next step.
/// Exactly-once money movement rests on two facts: every account step is idempotent by transfer id, and this grain
/// handles one call at a time, so concurrent retries of one id queue up and find the transfer already done.
/// A pending transfer is never forgotten: a reminder (durable where reminders are) is registered before the first
/// step and removed only when the transfer is terminal; an activation that finds it pending resumes it at once.
/// </summary>
public sealed class TransferGrain([FromKeyedServices(DomainClock.Key)] TimeProvider time, ILogger<TransferGrain> logger)
    : EventSourcedGrain<TransferState, ITransferEvent>, ITransferGrain, IRemindable
{
    private const string ResumeReminder = "resume-transfer";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(2);
    private IGrainTimer? _retry;

    private string Id => this.GetPrimaryKeyString();

    protected override string StreamId => AccountIds.TransferStreamOf(Id);

    protected override TransferState Initial => Transfer.Initial;

    protected override TransferState Evolve(TransferState state, ITransferEvent @event) => Transfer.Evolve(state, @event);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        Actors.Observability.ActorsMetrics.PendingTransfers.Mark(Id, IsPending);
        if (IsPending)
        {
            // Found half-done (a crash, or a deactivation while an account was unreachable): carry on right away.
            ScheduleRetry(TimeSpan.Zero);
        }
    }

    public async Task<TransferReply> Start(Guid from, Guid to, long amount, long requestedBy)
    {
        var (rejection, events) = await DecideAsync(state => Transfer.Decide(new RequestTransfer(Id, from, to, amount, requestedBy, time.GetUtcNow()), state));
        Actors.Observability.ActorsMetrics.PendingTransfers.Mark(Id, IsPending);
        if (rejection is not null)
        {
            return new TransferReply(null, rejection);
        }

        if (events.Count > 0)
        {
            // Before the first step: from here on, a crash anywhere leaves something that wakes this transfer up.
            await this.RegisterOrUpdateReminder(ResumeReminder, ReminderPeriod, ReminderPeriod);
        }

        await DriveAsync();
        return new TransferReply(State.ToView(Version), null);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Actors.Observability.ActorsMetrics.PendingTransfers.Mark(Id, pending: false); // counted again where it wakes up
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task<TransferView?> GetView() => Task.FromResult(State.ToView(Version));

    public Task ReceiveReminder(string reminderName, TickStatus status) => DriveAsync(forceCleanUp: true);

    private bool IsPending => State.Step != TransferStep.None && !State.IsTerminal;

    /// <summary>Performs steps until the transfer is terminal; on a failure it stays pending and retries later.</summary>
    private async Task DriveAsync(bool forceCleanUp = false)
    {
        if (!IsPending && !forceCleanUp)
        {
            return; // a repeat of a finished transfer: nothing to do, no reminder left to look for
        }

        try
        {
            for (var action = Transfer.NextAction(State); action != TransferAction.None; action = Transfer.NextAction(State))
            {
                await StepAsync(action);
            }
        }
        catch (WrongExpectedVersionException)
        {
            throw; // another activation wrote this transfer: this one is stale and already deactivating
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "Transfer {TransferId} stays pending after a failed step; it will be retried.", Id);
            ScheduleRetry(RetryPeriod);
            return;
        }

        if (State.IsTerminal || State.Step == TransferStep.None)
        {
            _retry?.Dispose();
            _retry = null;
            if (await this.GetReminder(ResumeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
    }

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
                answer = new RecordDebit(debit.View?.Currency ?? "", debit.Rejection, time.GetUtcNow());
                break;
            case TransferAction.CreditTarget:
                var credit = await to.CreditForTransfer(s.Id, s.From, s.Amount, s.Currency!);
                answer = new RecordCredit(credit.Rejection, time.GetUtcNow());
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
        Actors.Observability.ActorsMetrics.PendingTransfers.Mark(Id, IsPending);
        if (rejection is not null)
        {
            throw new InvalidOperationException($"Transfer {Id} refused its own step answer: {rejection}");
        }
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
        _retry ??= this.RegisterGrainTimer(_ => DriveAsync(forceCleanUp: true), new GrainTimerCreationOptions(dueTime, RetryPeriod) { KeepAlive = true });
    }
}
