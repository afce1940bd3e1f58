using Actors.Accounts;
using static Actors.Tests.Accounts.AccountTestKit;

namespace Actors.Tests.Accounts;

[Collection(ClusterCollection.Name)]
public class AccountGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task An_opened_account_takes_deposits_and_withdrawals_and_answers_its_view()
    {
        var owner = FreshOwner();
        var account = await Grains.Open(owner, deposit: 1_000, currency: "USD");

        var reply = await account.Withdraw(owner, 400);

        Assert.Null(reply.Rejection);
        Assert.Equal(600, reply.View!.Balance);
        Assert.Equal(("USD", "open", 3L, owner), (reply.View.Currency, reply.View.Status, reply.View.Version, reply.View.Owner));
    }

    [Fact]
    public async Task An_overdraft_is_refused_and_a_refusal_shows_no_data()
    {
        var owner = FreshOwner();
        var account = await Grains.Open(owner, deposit: 100);

        var overdraft = await account.Withdraw(owner, 101);
        var stranger = await account.Withdraw(owner + 1, 1);

        Assert.Equal(AccountRejections.InsufficientFunds, overdraft.Rejection);
        Assert.Equal(AccountRejections.NotOwner, stranger.Rejection);
        Assert.Null(stranger.View);
        Assert.Equal(100, await account.Balance());
    }

    [Fact]
    public async Task A_closed_account_refuses_money_but_still_reads()
    {
        var owner = FreshOwner();
        var account = await Grains.Open(owner);

        Assert.Null((await account.Close(owner)).Rejection);
        var deposit = await account.Deposit(owner, 5);

        Assert.Equal(AccountRejections.Closed, deposit.Rejection);
        Assert.Equal("closed", (await account.GetView())!.Status);
    }

    [Fact]
    public async Task The_history_lists_every_event_and_the_state_can_be_read_as_of_a_version_or_an_instant()
    {
        var owner = FreshOwner();
        var account = await Grains.Open(owner, deposit: 100);
        fixture.Clock.Advance(TimeSpan.FromSeconds(10));
        await account.Deposit(owner, 50);
        await account.Withdraw(owner, 30);

        var history = await account.GetHistory();
        var afterFirstDeposit = history[1].RecordedAt;
        var asOfTwo = await account.GetViewAsOfVersion(2);
        var asOfInstant = await account.GetViewAsOfInstant(afterFirstDeposit);
        var beforeOpening = await account.GetViewAsOfInstant(history[0].RecordedAt.AddTicks(-1));

        Assert.Equal(["accounts.account-opened", "accounts.money-deposited", "accounts.money-deposited", "accounts.money-withdrawn"], history.Select(e => e.Type));
        Assert.Equal([1L, 2, 3, 4], history.Select(e => e.Version));
        Assert.Equal((100L, 2L), (asOfTwo!.Balance, asOfTwo.Version));
        Assert.True(history[2].RecordedAt > afterFirstDeposit, "the log's clock moved between the deposits");
        Assert.Equal((100L, 2L), (asOfInstant!.Balance, asOfInstant.Version));
        Assert.Null(beforeOpening);
        Assert.Equal(120, (await account.GetViewAsOfVersion(999))!.Balance);
    }

    [Fact]
    public async Task An_account_never_opened_has_no_view_and_no_history()
    {
        var account = Grains.GetGrain<IAccountGrain>(Guid.NewGuid());

        Assert.Null(await account.GetView());
        Assert.Empty(await account.GetHistory());
        Assert.Equal(AccountRejections.NotFound, (await account.Deposit(1, 1)).Rejection);
    }

    [Fact]
    public async Task Opening_the_same_account_twice_is_a_no_op()
    {
        var owner = FreshOwner();
        var account = Grains.GetGrain<IAccountGrain>(Guid.NewGuid());

        await account.Open(owner, "EUR");
        var again = await account.Open(owner, "EUR");

        Assert.Null(again.Rejection);
        Assert.Single(await account.GetHistory());
    }
}
