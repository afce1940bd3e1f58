using Actors.Accounts;
using Actors.EventSourcing;
using Actors.Postgres;
using Actors.Postgres.Delivery;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Accounts;

[Collection(PostgresClusterCollection.Name)]
public class TransferRecoveryTests(PostgresClusterFixture cluster)
{
    private const long Owner = 9_100_000_001;

    private IEventLog Log => cluster.SiloServices.GetRequiredService<IEventLog>();

    private async Task<IAccountGrain> OpenAsync(long deposit)
    {
        var account = cluster.Client.GetGrain<IAccountGrain>(Guid.NewGuid());
        Assert.Null((await account.Open(Owner, "EUR")).Rejection);
        if (deposit > 0)
        {
            Assert.Null((await account.Deposit(Owner, deposit)).Rejection);
        }

        return account;
    }

    [Fact]
    public async Task A_transfer_an_older_version_left_pending_in_the_log_is_finished_without_anyone_calling_it()
    {
        var from = await OpenAsync(1_000);
        var to = await OpenAsync(0);
        var id = $"r-{Guid.NewGuid():N}";
        var stream = AccountIds.TransferStreamOf(id);
        // What a silo of an older version, killed in the middle of a step-by-step transfer, leaves: the request
        // recorded, the source debited, nothing more.
        var requested = await Log.AppendAsync(stream, 0,
            [new TransferRequested(id, from.GetPrimaryKey(), to.GetPrimaryKey(), 400, Owner, DateTimeOffset.UtcNow)], EventMetadata.None);
        var source = AccountIds.StreamOf(from.GetPrimaryKey());
        await Log.AppendAsync(source, (await Log.ReadStreamAsync(source)).Count,
            [new TransferDebited(from.GetPrimaryKey(), id, to.GetPrimaryKey(), 400, Owner, DateTimeOffset.UtcNow)], EventMetadata.None);

        // Only the log is watched here: the transfer grain is never called by the test.
        await Eventually(async () => (await Log.ReadStreamAsync(stream)).Any(e => e.Data is TransferCompleted),
            "the recovery woke the transfer and it completed", TimeSpan.FromSeconds(30));
        Assert.Equal(600, (await from.GetView())!.Balance);
        Assert.Equal(400, (await to.GetView())!.Balance);
        var checkpoints = cluster.SiloServices.GetRequiredService<DeliveryCheckpoints>();
        await Eventually(async () => await checkpoints.ReadAsync(TransferRecovery.CheckpointName) >= requested[0].Position,
            "the low-water mark moved past the finished transfer", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_transfer_through_the_grain_writes_no_reminder_and_records_itself_and_both_legs_in_one_commit()
    {
        var from = await OpenAsync(1_000);
        var to = await OpenAsync(0);
        var id = $"g-{Guid.NewGuid():N}";

        var reply = await cluster.Client.GetGrain<ITransferGrain>(id).Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 250, Owner);

        Assert.Equal("completed", reply.View!.Status);
        var history = await Log.ReadStreamAsync(AccountIds.TransferStreamOf(id));
        Assert.Equal(["TransferMade"], history.Select(e => e.Data.GetType().Name));
        var legs = (await Log.ReadStreamAsync(AccountIds.StreamOf(from.GetPrimaryKey()))).Skip(2)
            .Concat((await Log.ReadStreamAsync(AccountIds.StreamOf(to.GetPrimaryKey()))).Skip(1)).ToList();
        Assert.Equal(["TransferSent", "TransferCredited"], legs.Select(e => e.Data.GetType().Name));
        var commit = history.Concat(legs).OrderBy(e => e.Position).ToList();
        Assert.Single(commit.Select(e => e.RecordedAt).Distinct()); // one transaction's timestamp
        Assert.Equal(Enumerable.Range(0, 3).Select(i => commit[0].Position + i), commit.Select(e => e.Position));
        var reminders = cluster.SiloServices.GetRequiredService<Orleans.IReminderTable>();
        Assert.Empty((await reminders.ReadRows(cluster.Client.GetGrain<ITransferGrain>(id).GetGrainId())).Reminders);
        Assert.Equal((750L, 250L), ((await from.GetView())!.Balance, (await to.GetView())!.Balance));
    }
}
