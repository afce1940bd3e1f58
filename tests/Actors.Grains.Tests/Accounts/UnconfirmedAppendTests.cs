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
/// commit does), or refuses an append (what a database that rejects the commit does).
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

    public async Task<IReadOnlyList<IReadOnlyList<RecordedEvent>>> AppendAtomicallyAsync(
        IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default)
    {
        foreach (var append in appends)
        {
            RefuseIfTold(append.StreamId, append.Events);
        }

        var recorded = await inner.AppendAtomicallyAsync(appends, cancellationToken);
        if (appends.Any(a => a.Events.Any(e => _lose.TryRemove((a.StreamId, e.GetType()), out _))))
        {
            throw new EventLogUnavailableException("The connection dropped during the commit (test).");
        }

        return recorded;
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

        // The source refuses (too little money); recording that refusal is written but reported as failed.
        await Assert.ThrowsAsync<EventLogUnavailableException>(() => transfer.Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 500, owner));
        await from.Deposit(owner, 1_000); // now the source would pay

        // The client repeats the request: answered from what the log holds, failed, nothing taken.
        var repeated = await transfer.Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 500, owner);

        Assert.Equal(("failed", "insufficient-funds"), (repeated.View!.Status, repeated.View.Reason));
        Assert.DoesNotContain(await from.GetHistory(), e => e.Data is TransferDebited or TransferSent);
        Assert.Equal((1_100L, 0L), (await from.Balance(), await to.Balance()));
    }

    [Fact]
    public async Task A_transfer_whose_commit_was_written_but_not_confirmed_is_answered_as_made_and_moves_the_money_once()
    {
        var grains = cluster.Cluster.Client;
        var owner = FreshOwner();
        var from = await grains.Open(owner, deposit: 1_000);
        var to = await grains.Open(FreshOwner());
        var id = FreshTransferId();
        var transfer = grains.GetGrain<ITransferGrain>(id);
        cluster.Log.LoseAcknowledgementOf<TransferMade>(AccountIds.TransferStreamOf(id));

        var made = await transfer.Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 300, owner);
        var repeated = await transfer.Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 300, owner);

        Assert.Equal(("completed", "completed"), (made.View!.Status, repeated.View!.Status));
        Assert.Equal((700L, 300L), (await from.Balance(), await to.Balance()));
        Assert.Single(await from.GetHistory(), e => e.Data is TransferSent);
    }
}
