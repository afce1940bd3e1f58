using System.Collections.Concurrent;
using Actors.Accounts;
using Actors.EventSourcing;
using Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using static Actors.Tests.Accounts.AccountTestKit;

namespace Actors.Tests.Accounts;

/// <summary>
/// A log that writes an append and then loses its acknowledgement when told to (what a connection dropped during the
/// commit does), under a cluster whose transfers go step by step and hold reminders.
/// </summary>
public sealed class LossyLogCluster : IAsyncLifetime
{
    public LossyLog Log { get; } = new(new InMemoryEventLog(TimeProvider.System));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<IEventLog>(Log); // before AddActors, which only adds a log when none is there
            silo.AddActors();
            silo.Services.Configure<TransferOptions>(o => (o.InOneCommit, o.ResumeWithReminders) = (false, true));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

public sealed class LossyLog(IEventLog inner) : IEventLog
{
    private readonly ConcurrentDictionary<(string Stream, Type Event), bool> _lose = new();

    /// <summary>The next append of <paramref name="stream"/> holding a <typeparamref name="TEvent"/> is written, then reported as failed.</summary>
    public void LoseAcknowledgementOf<TEvent>(string stream) => _lose[(stream, typeof(TEvent))] = true;

    private readonly ConcurrentDictionary<(string Stream, Type Event), bool> _refuse = new();

    /// <summary>The next append (alone or with other streams) of <paramref name="stream"/> holding a <typeparamref name="TEvent"/> fails, writing nothing.</summary>
    public void RefuseNextAppendOf<TEvent>(string stream) => _refuse[(stream, typeof(TEvent))] = true;

    private void RefuseIfTold(string streamId, IReadOnlyList<object> events)
    {
        if (events.Any(e => _refuse.TryRemove((streamId, e.GetType()), out _)))
        {
            throw new EventLogUnavailableException("The database refused the commit (test).");
        }
    }

    public async Task<IReadOnlyList<RecordedEvent>> AppendAsync(
        string streamId, long expectedVersion, IReadOnlyList<object> events, EventMetadata metadata, CancellationToken cancellationToken = default)
    {
        RefuseIfTold(streamId, events);
        var recorded = await inner.AppendAsync(streamId, expectedVersion, events, metadata, cancellationToken);
        if (events.Any(e => _lose.TryRemove((streamId, e.GetType()), out _)))
        {
            throw new EventLogUnavailableException("The connection dropped during the commit (test).");
        }

        return recorded;
    }

    public Task<IReadOnlyList<IReadOnlyList<RecordedEvent>>> AppendAtomicallyAsync(
        IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default)
    {
        foreach (var append in appends)
        {
            RefuseIfTold(append.StreamId, append.Events);
        }

        return inner.AppendAtomicallyAsync(appends, cancellationToken);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default) =>
        inner.ReadStreamAsync(streamId, afterVersion, cancellationToken);

    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, string? category = null, CancellationToken cancellationToken = default) =>
        inner.ReadAllAsync(afterPosition, maxCount, category, cancellationToken);
}

public class UnconfirmedAppendTests(LossyLogCluster cluster) : IClassFixture<LossyLogCluster>
{
    [Fact]
    public async Task A_transfer_whose_refusal_was_written_but_not_confirmed_never_takes_the_money_afterwards()
    {
        var grains = cluster.Cluster.Client;
        var owner = FreshOwner();
        var from = await grains.Open(owner, deposit: 100);
        var to = await grains.Open(FreshOwner());
        var id = FreshTransferId();
        var transfer = grains.GetGrain<ITransferGrain>(id);
        cluster.Log.LoseAcknowledgementOf<TransferFailed>(AccountIds.TransferStreamOf(id));

        // The source refuses (too little money); recording that refusal is written but reported as failed, so the
        // transfer answers pending and retries on its timer.
        var started = await transfer.Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 500, owner);
        Assert.Equal("pending", started.View!.Status);
        Assert.IsType<TransferFailed>((await cluster.Log.ReadStreamAsync(AccountIds.TransferStreamOf(id)))[^1].Data);
        await from.Deposit(owner, 1_000); // now a debit would succeed

        // The retry ends the transfer (its reminder goes) from what the log holds: failed, nothing taken.
        var reminders = cluster.Cluster.GetSiloServiceProvider().GetRequiredService<Orleans.IReminderTable>();
        await Eventually(async () => (await reminders.ReadRows(transfer.GetGrainId())).Reminders.Count == 0, "the retried transfer is over");
        Assert.DoesNotContain(await from.GetHistory(), e => e.Data is TransferDebited or TransferSent);
        Assert.Equal((1_100L, 0L), (await from.Balance(), await to.Balance()));
        Assert.Equal(("failed", AccountRules.InsufficientFunds), ((await transfer.GetView())!.Status, (await transfer.GetView())!.Reason));
    }
}
