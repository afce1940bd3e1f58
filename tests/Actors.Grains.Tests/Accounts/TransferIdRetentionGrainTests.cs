using Actors.Accounts;
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
    public async Task A_step_of_a_transfer_whose_id_the_account_forgot_is_found_in_the_log_and_done_once()
    {
        var owner = FreshOwner();
        var account = await Grains.Open(owner, deposit: 1_000);
        var elsewhere = Guid.NewGuid();
        var old = FreshTransferId();
        // The step-by-step path's steps, as a transfer resumed after a crash repeats them.
        Assert.Null((await account.DebitForTransfer(old, elsewhere, 100, owner)).Rejection);
        Assert.Null((await account.SettleTransfer(old)).Rejection);
        foreach (var id in new[] { FreshTransferId(), FreshTransferId() })
        {
            Assert.Null((await account.CreditForTransfer(id, elsewhere, 10, "EUR")).Rejection);
        }

        var events = (await account.GetHistory()).Count;

        var debit = await account.DebitForTransfer(old, elsewhere, 100, owner);
        var settle = await account.SettleTransfer(old);
        var refund = await account.RefundTransfer(old, "target-refused");

        Assert.Null(debit.Rejection);
        Assert.Null(settle.Rejection);
        Assert.Equal(AccountRules.TransferSettledAlready, refund.Rejection?.Code);
        Assert.Equal(920L, await account.Balance());
        Assert.Equal(events, (await account.GetHistory()).Count);
    }

    [Fact]
    public async Task A_new_transfer_on_an_account_that_forgot_ids_is_debited_once()
    {
        var owner = FreshOwner();
        var account = await Grains.Open(owner, deposit: 1_000);
        var elsewhere = Guid.NewGuid();
        foreach (var id in new[] { FreshTransferId(), FreshTransferId() })
        {
            Assert.Null((await account.CreditForTransfer(id, elsewhere, 10, "EUR")).Rejection);
        }

        var fresh = FreshTransferId();
        Assert.Null((await account.DebitForTransfer(fresh, elsewhere, 100, owner)).Rejection);
        Assert.Null((await account.DebitForTransfer(fresh, elsewhere, 100, owner)).Rejection);

        Assert.Equal(920L, await account.Balance());
    }
}
