using Actors.Accounts;
using Actors.EventSourcing;
using Microsoft.Extensions.DependencyInjection;
using static Actors.Tests.Accounts.AccountTestKit;

namespace Actors.Tests.Accounts;

[Collection(ClusterCollection.Name)]
public class TransferGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task A_transfer_moves_the_money_and_completes()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 1_000);
        var to = await Grains.Open(FreshOwner());

        var reply = await Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 300, owner);

        Assert.Equal(("completed", (string?)null), (reply.View!.Status, reply.View.Reason));
        Assert.Equal((700L, 300L), (await from.Balance(), await to.Balance()));
    }

    [Fact]
    public async Task A_transfer_records_itself_and_both_legs_in_one_commit()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 1_000);
        var to = await Grains.Open(FreshOwner());
        var id = FreshTransferId();

        await Grains.GetGrain<ITransferGrain>(id).Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 300, owner);

        var transfer = await Log.ReadStreamAsync(AccountIds.TransferStreamOf(id));
        var source = (await from.GetHistory()).Skip(2).ToList();
        var target = (await to.GetHistory()).Skip(1).ToList();
        Assert.Equal(["transfers.transfer-made"], transfer.Select(e => e.Type));
        Assert.Equal(["accounts.transfer-sent"], source.Select(e => e.Type));
        Assert.Equal(["accounts.transfer-credited"], target.Select(e => e.Type));
        var positions = transfer.Concat(source).Concat(target).Select(e => e.Position).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 3).Select(i => positions[0] + i), positions); // one append: consecutive positions
        Assert.All(source.Concat(target), e => Assert.Equal(AccountIds.TransferStreamOf(id), e.CausationId));
    }

    [Fact]
    public async Task A_completed_transfer_answers_the_version_each_account_reached_with_its_leg_and_a_failed_one_none()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 1_000);
        var to = await Grains.Open(FreshOwner());

        var moved = await Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 300, owner);
        var refused = await Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 5_000, owner);

        // The versions read models compare with: the source's third event (opened, deposited, sent), the target's second.
        Assert.Equal(
            [new TransferLegVersion(from.GetPrimaryKey(), 3), new TransferLegVersion(to.GetPrimaryKey(), 2)],
            moved.Legs!.OrderByDescending(l => l.Version).ToArray());
        Assert.Equal((3L, 2L), ((await from.GetView())!.Version, (await to.GetView())!.Version));
        Assert.Equal("failed", refused.View!.Status);
        Assert.Null(refused.Legs);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_transfer_checks_the_currencies_and_moves_the_money_whichever_account_has_the_lower_id(bool sourceFirst)
    {
        var (owner, targetOwner) = (FreshOwner(), FreshOwner());
        var (low, high) = (Guid.NewGuid(), Guid.NewGuid());
        (low, high) = low.CompareTo(high) < 0 ? (low, high) : (high, low);
        var (fromId, toId) = sourceFirst ? (low, high) : (high, low);
        var from = Grains.GetGrain<IAccountGrain>(fromId);
        await from.Open(owner, "EUR");
        await from.Deposit(owner, 500);
        var to = Grains.GetGrain<IAccountGrain>(toId);
        await to.Open(targetOwner, "EUR");

        var moved = await Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(fromId, toId, 200, owner);
        // The extremes of the id order, so the dollar account is second (or first) whatever the euro account's id.
        var usd = Grains.GetGrain<IAccountGrain>(sourceFirst ? Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff") : Guid.Empty);
        await usd.Open(targetOwner, "USD");
        var mismatched = await Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(fromId, usd.GetPrimaryKey(), 100, owner);

        Assert.Equal("completed", moved.View!.Status);
        Assert.Equal(("failed", "currency-mismatch"), (mismatched.View!.Status, mismatched.View.Reason));
        Assert.Equal((300L, 200L, 0L), (await from.Balance(), await to.Balance(), await usd.Balance()));
    }

    [Fact]
    public async Task A_transfer_made_while_its_grain_and_accounts_did_not_hear_of_it_is_answered_as_made_when_retried()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 1_000);
        var to = await Grains.Open(FreshOwner());
        var id = FreshTransferId();
        var transfer = Grains.GetGrain<ITransferGrain>(id);
        Assert.Null(await transfer.GetView()); // all three active, none of them about to hear of the commit below
        // What a commit whose reply was lost leaves: the whole transfer in the log.
        var at = fixture.Clock.GetUtcNow();
        await Log.AppendAtomicallyAsync(
        [
            new StreamAppend(AccountIds.TransferStreamOf(id), 0, [new TransferMade(id, from.GetPrimaryKey(), to.GetPrimaryKey(), 300, owner, at)], EventMetadata.None),
            new StreamAppend(AccountIds.StreamOf(from.GetPrimaryKey()), 2, [new TransferSent(from.GetPrimaryKey(), id, to.GetPrimaryKey(), 300, owner, at)], EventMetadata.None),
            new StreamAppend(AccountIds.StreamOf(to.GetPrimaryKey()), 1, [new TransferCredited(to.GetPrimaryKey(), id, from.GetPrimaryKey(), 300, at)], EventMetadata.None),
        ]);

        var retried = await transfer.Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 300, owner);

        Assert.Equal(("completed", 1L), (retried.View!.Status, retried.View.Version));
        Assert.Equal((700L, 300L), (await from.Balance(), await to.Balance()));
        Assert.Equal(3, (await from.GetHistory()).Count); // opened, deposited, sent: once
    }

    [Theory]
    [InlineData(300, "completed", null)]
    [InlineData(301, null, "accounts.transfer-conflict")]
    [InlineData(5_000, null, "accounts.transfer-conflict")] // the source would refuse it: the refusal must not be recorded
    public async Task A_transfer_id_made_before_is_recognised_by_its_first_activation_and_moves_no_more_money(long amount, string? status, string? code)
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 1_000);
        var to = await Grains.Open(FreshOwner());
        var id = FreshTransferId();
        var at = fixture.Clock.GetUtcNow();
        await Log.AppendAtomicallyAsync( // made by an activation of an earlier life of the cluster
        [
            new StreamAppend(AccountIds.TransferStreamOf(id), 0, [new TransferMade(id, from.GetPrimaryKey(), to.GetPrimaryKey(), 300, owner, at)], EventMetadata.None),
            new StreamAppend(AccountIds.StreamOf(from.GetPrimaryKey()), 2, [new TransferSent(from.GetPrimaryKey(), id, to.GetPrimaryKey(), 300, owner, at)], EventMetadata.None),
            new StreamAppend(AccountIds.StreamOf(to.GetPrimaryKey()), 1, [new TransferCredited(to.GetPrimaryKey(), id, from.GetPrimaryKey(), 300, at)], EventMetadata.None),
        ]);

        var reply = await Grains.GetGrain<ITransferGrain>(id).Start(from.GetPrimaryKey(), to.GetPrimaryKey(), amount, owner);

        Assert.Equal((status, code), (reply.View?.Status, reply.Rejection?.Code));
        Assert.Equal(["transfers.transfer-made"], (await Log.ReadStreamAsync(AccountIds.TransferStreamOf(id))).Select(e => e.Type));
        // From the log: the accounts, active since before the test wrote their streams behind their backs, may not
        // have had a reason to read them yet.
        Assert.Equal((700L, 300L), ((await from.GetViewAsOfVersion(long.MaxValue))!.Balance, (await to.GetViewAsOfVersion(long.MaxValue))!.Balance));
    }

    [Fact]
    public async Task Transfers_racing_with_deposits_on_one_account_all_complete_and_conserve_the_money()
    {
        var owner = FreshOwner();
        var hot = await Grains.Open(owner, deposit: 100_000);
        var targets = new List<IAccountGrain>();
        for (var i = 0; i < 6; i++)
        {
            targets.Add(await Grains.Open(FreshOwner()));
        }

        var transfers = Enumerable.Range(0, 60).Select(i => Task.Run(() =>
            Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(hot.GetPrimaryKey(), targets[i % targets.Count].GetPrimaryKey(), 100 + i, owner)));
        var deposits = Enumerable.Range(0, 30).Select(_ => Task.Run(() => hot.Deposit(owner, 10)));
        var replies = await Task.WhenAll(transfers);
        await Task.WhenAll(deposits);

        Assert.All(replies, r => Assert.Equal("completed", r.View!.Status));
        var sent = Enumerable.Range(0, 60).Sum(i => 100L + i);
        Assert.Equal(100_000 - sent + 300, await hot.Balance());
        Assert.Equal(sent, (await Task.WhenAll(targets.Select(t => t.Balance()))).Sum());
    }

    [Fact]
    public async Task An_account_whose_stream_another_writer_extended_catches_up_and_decides_on_the_newer_state()
    {
        var owner = FreshOwner();
        var account = await Grains.Open(owner, deposit: 100);
        await account.GetView(); // active, at version 2
        await Log.AppendAsync(AccountIds.StreamOf(account.GetPrimaryKey()), 2,
            [new MoneyDeposited(account.GetPrimaryKey(), 50, owner, fixture.Clock.GetUtcNow())], EventMetadata.None);

        var withdrawn = await account.Withdraw(owner, 150); // only possible with the deposit it did not see

        Assert.Null(withdrawn.Rejection);
        Assert.Equal((0L, 4L), (withdrawn.View!.Balance, withdrawn.View.Version));
    }

    [Fact]
    public async Task Retrying_a_transfer_any_number_of_times_concurrently_moves_the_money_once()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 1_000);
        var to = await Grains.Open(FreshOwner());
        var transfer = Grains.GetGrain<ITransferGrain>(FreshTransferId());

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => transfer.Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 250, owner)));
        var later = await transfer.Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 250, owner);

        Assert.All(replies.Append(later), r => Assert.Equal("completed", r.View!.Status));
        Assert.Equal((750L, 250L), (await from.Balance(), await to.Balance()));
    }

    [Fact]
    public async Task Reusing_a_transfer_id_for_another_amount_is_refused()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 1_000);
        var to = await Grains.Open(FreshOwner());
        var transfer = Grains.GetGrain<ITransferGrain>(FreshTransferId());
        await transfer.Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 100, owner);

        var reuse = await transfer.Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 999, owner);

        Assert.Equal("accounts.transfer-conflict", reuse.Rejection?.Code);
        Assert.Equal(900, await from.Balance());
    }

    [Fact]
    public async Task A_transfer_without_enough_money_fails_and_moves_nothing()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 10);
        var to = await Grains.Open(FreshOwner());

        var reply = await Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 11, owner);

        Assert.Equal(("failed", "insufficient-funds"), (reply.View!.Status, reply.View.Reason));
        Assert.Equal((10L, 0L), (await from.Balance(), await to.Balance()));
    }

    [Fact]
    public async Task A_transfer_from_someone_elses_account_fails_and_moves_nothing()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 10);
        var to = await Grains.Open(FreshOwner());

        var reply = await Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 5, owner + 1);

        Assert.Equal(("failed", "not-owner"), (reply.View!.Status, reply.View.Reason));
        Assert.Equal(10, await from.Balance());
    }

    [Fact]
    public async Task A_transfer_to_a_closed_account_fails_with_the_reason_and_moves_nothing()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 500);
        var targetOwner = FreshOwner();
        var to = await Grains.Open(targetOwner);
        await to.Close(targetOwner);

        var reply = await Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 200, owner);

        Assert.Equal(("failed", "account-closed"), (reply.View!.Status, reply.View.Reason));
        Assert.Equal((500L, 0L), (await from.Balance(), await to.Balance()));
        Assert.Empty((await from.GetHistory()).Skip(2)); // the target refused before anything was recorded: nothing to refund
    }

    [Fact]
    public async Task A_transfer_to_a_missing_account_fails_with_the_reason_and_moves_nothing()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 500);

        var reply = await Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(from.GetPrimaryKey(), Guid.NewGuid(), 200, owner);

        Assert.Equal(("failed", "account-not-found"), (reply.View!.Status, reply.View.Reason));
        Assert.Equal(500, await from.Balance());
    }

    [Fact]
    public async Task A_transfer_between_currencies_fails_and_moves_nothing()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 500, currency: "EUR");
        var to = await Grains.Open(FreshOwner(), currency: "USD");

        var reply = await Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 200, owner);

        Assert.Equal(("failed", "currency-mismatch"), (reply.View!.Status, reply.View.Reason));
        Assert.Equal((500L, 0L), (await from.Balance(), await to.Balance()));
    }

    [Fact]
    public async Task An_account_cannot_be_closed_while_an_older_versions_transfer_is_in_flight_but_can_after_its_refund()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 100);
        var missing = Guid.NewGuid();
        var id = FreshTransferId();
        // An older version debited the source, recorded the target's refusal, and crashed before the refund.
        await LegacyDebitAsync(from, id, missing, 100, owner);
        await RecordLegacyStepsAsync(id, from.GetPrimaryKey(), missing, 100, owner, debited: true, new TransferTargetRefused(id, "account-not-found", fixture.Clock.GetUtcNow()));

        Assert.Equal(AccountRejections.TransfersInFlight, (await from.Close(owner)).Rejection);
        Assert.Equal(("failed", "account-not-found"), ((await Grains.GetGrain<ITransferGrain>(id).GetView())!.Status, (await Grains.GetGrain<ITransferGrain>(id).GetView())!.Reason));
        await from.Withdraw(owner, 100);
        Assert.Null((await from.Close(owner)).Rejection);
    }

    [Fact]
    public async Task A_transfer_an_older_version_left_after_debiting_completes_in_one_commit_when_looked_at()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 1_000);
        var to = await Grains.Open(FreshOwner());
        var id = FreshTransferId();
        // The state a crash of the step-by-step process left behind: request and debit recorded, the source paid, and
        // then the process died before crediting the target.
        await LegacyDebitAsync(from, id, to.GetPrimaryKey(), 400, owner);
        await RecordLegacyStepsAsync(id, from.GetPrimaryKey(), to.GetPrimaryKey(), 400, owner, debited: true);

        Assert.Equal("completed", (await Grains.GetGrain<ITransferGrain>(id).GetView())!.Status);

        Assert.Equal((600L, 400L), (await from.Balance(), await to.Balance()));
        Assert.Equal(["transfers.transfer-requested", "transfers.source-debited", "transfers.transfer-completed"],
            (await Log.ReadStreamAsync(AccountIds.TransferStreamOf(id))).Select(e => e.Type));
        Assert.Equal(["accounts.transfer-debited", "accounts.transfer-settled"], (await from.GetHistory()).Skip(2).Select(e => e.Type));
    }

    [Fact]
    public async Task A_transfer_an_older_version_left_before_recording_its_debit_completes_without_debiting_twice()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 1_000);
        var to = await Grains.Open(FreshOwner());
        var id = FreshTransferId();
        await RecordLegacyStepsAsync(id, from.GetPrimaryKey(), to.GetPrimaryKey(), 400, owner, debited: false);
        await LegacyDebitAsync(from, id, to.GetPrimaryKey(), 400, owner); // the source paid; the answer was lost

        var reply = await Grains.GetGrain<ITransferGrain>(id).Start(from.GetPrimaryKey(), to.GetPrimaryKey(), 400, owner);

        Assert.Equal("completed", reply.View!.Status); // the request repeated finishes it
        Assert.Equal((600L, 400L), (await from.Balance(), await to.Balance()));
    }

    [Fact]
    public async Task A_transfer_an_older_version_left_after_the_target_refused_is_refunded_when_looked_at()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 1_000);
        var missing = Guid.NewGuid();
        var id = FreshTransferId();
        await LegacyDebitAsync(from, id, missing, 400, owner);
        await RecordLegacyStepsAsync(id, from.GetPrimaryKey(), missing, 400, owner, debited: true, new TransferTargetRefused(id, "account-not-found", fixture.Clock.GetUtcNow()));

        var view = await Grains.GetGrain<ITransferGrain>(id).GetView();

        Assert.Equal(("failed", "account-not-found"), (view!.Status, view.Reason));
        Assert.Equal(1_000, await from.Balance());
    }

    [Fact]
    public async Task A_transfer_an_older_version_left_requested_whose_target_refuses_fails_and_moves_nothing()
    {
        var owner = FreshOwner();
        var from = await Grains.Open(owner, deposit: 1_000);
        var missing = Guid.NewGuid();
        var id = FreshTransferId();
        await RecordLegacyStepsAsync(id, from.GetPrimaryKey(), missing, 400, owner, debited: false);

        var view = await Grains.GetGrain<ITransferGrain>(id).GetView();

        Assert.Equal(("failed", "account-not-found"), (view!.Status, view.Reason));
        Assert.Equal(1_000, await from.Balance());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_transfer_an_older_version_debited_towards_another_currency_is_refunded_whichever_account_is_asked_first(bool sourceFirst)
    {
        var (owner, other) = (FreshOwner(), FreshOwner());
        var (low, high) = (Guid.NewGuid(), Guid.NewGuid());
        (low, high) = low.CompareTo(high) < 0 ? (low, high) : (high, low);
        var from = Grains.GetGrain<IAccountGrain>(sourceFirst ? low : high);
        await from.Open(owner, "EUR");
        await from.Deposit(owner, 1_000);
        var to = Grains.GetGrain<IAccountGrain>(sourceFirst ? high : low);
        await to.Open(other, "USD");
        var id = FreshTransferId();
        await LegacyDebitAsync(from, id, to.GetPrimaryKey(), 400, owner);
        await RecordLegacyStepsAsync(id, from.GetPrimaryKey(), to.GetPrimaryKey(), 400, owner, debited: false);

        var view = await Grains.GetGrain<ITransferGrain>(id).GetView();

        Assert.Equal(("failed", "currency-mismatch"), (view!.Status, view.Reason));
        Assert.Equal((1_000L, 0L), (await from.Balance(), await to.Balance()));
    }

    /// <summary>An older version's debit of the source, written to its stream behind its activation's back.</summary>
    private async Task LegacyDebitAsync(IAccountGrain account, string id, Guid to, long amount, long owner)
    {
        var stream = AccountIds.StreamOf(account.GetPrimaryKey());
        var version = (await Log.ReadStreamAsync(stream)).Count;
        await Log.AppendAsync(stream, version, [new TransferDebited(account.GetPrimaryKey(), id, to, amount, owner, fixture.Clock.GetUtcNow())], EventMetadata.None);
    }

    /// <summary>An older version's step-by-step record of a transfer: requested, perhaps debited, and <paramref name="more"/>.</summary>
    private async Task RecordLegacyStepsAsync(string id, Guid from, Guid to, long amount, long owner, bool debited, params ITransferEvent[] more)
    {
        var at = fixture.Clock.GetUtcNow();
        await Log.AppendAsync(AccountIds.TransferStreamOf(id), 0,
            [new TransferRequested(id, from, to, amount, owner, at), .. debited ? [new TransferSourceDebited(id, "EUR", at)] : Array.Empty<ITransferEvent>(), .. more],
            EventMetadata.None);
    }

    private IEventLog Log => fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IEventLog>();
}
