using Actors.Accounts;
using Actors.EventSourcing;
using Microsoft.Extensions.DependencyInjection;
using static Actors.Tests.Accounts.AccountTestKit;

namespace Actors.Tests.Accounts;

/// <summary>A cluster whose accounts keep the id of their last finished transfer only.</summary>
public sealed class ForgetfulAccountsFixture : ClusterFixture
{
    protected override void ConfigureSilo(ISiloBuilder silo) =>
        silo.Services.Configure<TransferOptions>(o => o.TransferIdsKept = 1);
}

[CollectionDefinition(Name)]
public sealed class ForgetfulAccountsCollection : ICollectionFixture<ForgetfulAccountsFixture>
{
    public const string Name = "forgetful accounts";
}

[Collection(ForgetfulAccountsCollection.Name)]
public class TransferIdRetentionGrainTests(ForgetfulAccountsFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task An_old_transfer_retried_after_both_accounts_forgot_its_id_moves_no_money_again()
    {
        var (owner, other) = (FreshOwner(), FreshOwner());
        var from = await Grains.Open(owner, deposit: 1_000);
        var to = await Grains.Open(other, deposit: 1_000);
        var old = FreshTransferId();
        var first = await Grains.GetGrain<ITransferGrain>(old).Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 100, owner);
        Assert.Equal("completed", first.View!.Status);
        // Two more transfers between the same accounts: each keeps one finished id, so both forget the old one.
        foreach (var amount in new[] { 1L, 2L })
        {
            var later = await Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(to.GetPrimaryKey(), from.GetPrimaryKey(), amount, other);
            Assert.Equal("completed", later.View!.Status);
        }

        var (sourceEvents, targetEvents) = ((await from.GetHistory()).Count, (await to.GetHistory()).Count);

        var retried = await Grains.GetGrain<ITransferGrain>(old).Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 100, owner);

        Assert.Equal(("completed", first.View.Version), (retried.View!.Status, retried.View.Version));
        Assert.Equal((903L, 1_097L), (await from.Balance(), await to.Balance()));
        Assert.Equal((sourceEvents, targetEvents), ((await from.GetHistory()).Count, (await to.GetHistory()).Count));
    }

    [Fact]
    public async Task A_transfer_an_older_version_left_pending_whose_id_the_account_forgot_is_found_in_the_log_and_finished_once()
    {
        var (owner, other) = (FreshOwner(), FreshOwner());
        var account = await Grains.Open(owner, deposit: 1_000);
        var payer = await Grains.Open(other, deposit: 1_000);
        var elsewhere = Guid.NewGuid();
        var old = FreshTransferId();
        var at = fixture.Clock.GetUtcNow();
        // An older version's step-by-step transfer: the source debited and settled, the transfer's record not yet settled.
        var stream = AccountIds.StreamOf(account.GetPrimaryKey());
        await Log.AppendAsync(stream, (await Log.ReadStreamAsync(stream)).Count,
            [new TransferDebited(account.GetPrimaryKey(), old, elsewhere, 100, owner, at), new TransferSettled(account.GetPrimaryKey(), old, at)], EventMetadata.None);
        await Log.AppendAsync(AccountIds.TransferStreamOf(old), 0,
        [
            new TransferRequested(old, account.GetPrimaryKey(), elsewhere, 100, owner, at),
            new TransferSourceDebited(old, "EUR", at),
            new TransferTargetCredited(old, at),
        ], EventMetadata.None);
        // Two transfers in: the account keeps one finished id, so it forgets the old one.
        foreach (var id in new[] { FreshTransferId(), FreshTransferId() })
        {
            var made = await Grains.GetGrain<ITransferGrain>(id).Start(payer.GetPrimaryKey(), account.GetPrimaryKey(), 10, other);
            Assert.Equal("completed", made.View!.Status);
        }

        var events = (await account.GetHistory()).Count;

        var finished = await Grains.GetGrain<ITransferGrain>(old).GetView();

        Assert.Equal("completed", finished!.Status);
        Assert.Equal(920L, await account.Balance());
        Assert.Equal(events, (await account.GetHistory()).Count); // the settlement was found, not made again
    }

    [Fact]
    public async Task A_new_transfer_from_an_account_that_forgot_ids_is_made_once_however_often_it_is_repeated()
    {
        var (owner, other) = (FreshOwner(), FreshOwner());
        var account = await Grains.Open(owner, deposit: 1_000);
        var payer = await Grains.Open(other, deposit: 1_000);
        foreach (var id in new[] { FreshTransferId(), FreshTransferId() })
        {
            await Grains.GetGrain<ITransferGrain>(id).Start(payer.GetPrimaryKey(), account.GetPrimaryKey(), 10, other);
        }

        var fresh = Grains.GetGrain<ITransferGrain>(FreshTransferId());
        var replies = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => fresh.Start(account.GetPrimaryKey(), payer.GetPrimaryKey(), 100, owner)));

        Assert.All(replies, r => Assert.Equal("completed", r.View!.Status));
        Assert.Equal((920L, 1_080L), (await account.Balance(), await payer.Balance()));
    }

    private IEventLog Log => fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IEventLog>();
}
