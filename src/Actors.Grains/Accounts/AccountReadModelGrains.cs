using Actors.EventSourcing;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Actors.Accounts;

/// <summary>Marker interface of the per-partition consumer of account events.</summary>
[Alias("actors.accounts.IAccountEventsConsumerGrain")]
public interface IAccountEventsConsumerGrain : IGrainWithStringKey;

/// <summary>
/// Receives every account event of one stream partition (implicit subscription, keyed by the partition) and hands
/// it to the statement of its account, in stream order. Delivery is at-least-once: the statement is idempotent.
/// </summary>
[ImplicitStreamSubscription("accounts")]
public sealed class AccountEventsConsumerGrain : Grain, IAccountEventsConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<RecordedEvent>
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(this);

    public Task OnNextAsync(RecordedEvent item, StreamSequenceToken? token = null) =>
        item.Data is IAccountEvent e ? GrainFactory.GetGrain<IAccountStatementGrain>(e.AccountId).Apply(item) : Task.CompletedTask;

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

/// <summary>
/// One account's statement. Kept in memory and rebuilt from the account's own stream on activation (cheap: one
/// stream), then fed by the delivered events; an event that arrives after a gap makes it read the gap from the log,
/// so no movement is ever missing. After each change it passes the account's line on to the owner's summary.
/// </summary>
public sealed class AccountStatementGrain(IEventLog log) : Grain, IAccountStatementGrain
{
    private StatementState _state = null!;

    private Guid Id => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _state = StatementState.Empty(Id);
        foreach (var e in await log.ReadStreamAsync(AccountIds.StreamOf(Id), 0, cancellationToken))
        {
            _state = AccountReadModels.Apply(_state, e);
        }

        await PublishLineAsync();
    }

    public async Task Apply(RecordedEvent recorded)
    {
        if (recorded.Version <= _state.Version)
        {
            return; // a redelivery
        }

        if (recorded.Version == _state.Version + 1)
        {
            _state = AccountReadModels.Apply(_state, recorded);
        }
        else
        {
            foreach (var e in await log.ReadStreamAsync(AccountIds.StreamOf(Id), _state.Version))
            {
                _state = AccountReadModels.Apply(_state, e);
            }
        }

        await PublishLineAsync();
    }

    public Task Republish() => PublishLineAsync();

    public Task<AccountStatement?> GetStatement() =>
        Task.FromResult(_state.Status == AccountStatus.None ? null : _state.ToStatement());

    private Task PublishLineAsync() =>
        _state.ToLine() is { } line ? GrainFactory.GetGrain<IOwnerAccountsGrain>(_state.Owner).Apply(line) : Task.CompletedTask;
}

/// <summary>Stored form of an owner's summary: the latest line of each account.</summary>
[GenerateSerializer, Alias("accounts.owner-lines")]
public sealed class OwnerLines
{
    [Id(0)] public Dictionary<Guid, OwnerAccountLine> Lines { get; set; } = [];
}

/// <summary>
/// One owner's accounts and totals. Every line is taken in memory at once. The stored copy (grain storage) is written at
/// once only when the owner gains an account; later lines of known accounts are written at most every
/// <see cref="FlushPeriod"/> and on deactivation. Writing on every line cost a database transaction per account event
/// (more than the movements' own, group-committed, appends). What a crash loses that way (the latest lines of known
/// accounts) comes back when the summary wakes up: it asks each known account's statement, rebuilt from the log, for its
/// line again (a line only ever replaces an older one).
/// </summary>
public sealed class OwnerAccountsGrain([PersistentState("owner-accounts")] IPersistentState<OwnerLines> stored, ILogger<OwnerAccountsGrain> logger)
    : Grain, IOwnerAccountsGrain
{
    private static readonly TimeSpan FlushPeriod = TimeSpan.FromSeconds(2);
    private OwnerAccountsSummary? _summary;
    private bool _dirty;
    private IGrainTimer? _flush;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // One-way: a statement that answers calls Apply here, which waits for this activation to finish.
        foreach (var account in stored.State.Lines.Keys)
        {
            GrainFactory.GetGrain<IAccountStatementGrain>(account).Republish().Ignore();
        }

        return base.OnActivateAsync(cancellationToken);
    }

    public async Task Apply(OwnerAccountLine line)
    {
        var lines = stored.State.Lines;
        var known = lines.TryGetValue(line.Id, out var held);
        if (known && held!.Version >= line.Version)
        {
            return;
        }

        lines[line.Id] = line;
        _summary = null;
        _dirty = true;
        if (!known)
        {
            await WriteAsync(); // the set of accounts is what a wake-up cannot find again: stored before the answer
            return;
        }

        _flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushPeriod, Timeout.InfiniteTimeSpan));
    }

    public Task<OwnerAccountsSummary> GetSummary() =>
        Task.FromResult(_summary ??= AccountReadModels.Summarize(this.GetPrimaryKeyLong(), stored.State.Lines.Values));

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await FlushAsync(cancellationToken);
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        _flush?.Dispose();
        _flush = null;
        if (!_dirty)
        {
            return;
        }

        try
        {
            await WriteAsync();
        }
        catch (Exception e)
        {
            // Only a cache of lines the statements can send again; the next line or the deactivation tries again.
            logger.LogWarning(e, "Owner summary {Owner} not stored yet", this.GetPrimaryKeyLong());
        }
    }

    private async Task WriteAsync()
    {
        _dirty = false;
        try
        {
            await stored.WriteStateAsync();
        }
        catch
        {
            _dirty = true;
            throw;
        }
    }
}

/// <summary>Replays the accounts category of the log into fresh read models. Stateless: runs anywhere, any key.</summary>
[StatelessWorker]
public sealed class AccountReadModelsRebuilder(IEventLog log) : Grain, IAccountReadModelsRebuilder
{
    public async Task<AccountReadModelsRebuild> RebuildFromLog()
    {
        var history = new List<RecordedEvent>();
        long position = 0;
        while (true)
        {
            var page = await log.ReadAllAsync(position, 1000, "accounts");
            if (page.Count == 0)
            {
                break;
            }

            history.AddRange(page);
            position = page[^1].Position;
        }

        var (statements, owners) = AccountReadModels.Rebuild(history);
        return new AccountReadModelsRebuild(
            statements.Values.Where(s => s.Status != AccountStatus.None).Select(s => s.ToStatement()).OrderBy(s => s.AccountId).ToArray(),
            owners.Values.OrderBy(o => o.Owner).ToArray(),
            position);
    }
}
