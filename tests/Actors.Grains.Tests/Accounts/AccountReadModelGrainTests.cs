using System.Text.Json;
using Actors.Accounts;
using Actors.Tests.Users;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Orleans.Storage;
using static Actors.Tests.Accounts.AccountTestKit;

namespace Actors.Tests.Accounts;

[Collection(ClusterCollection.Name)]
public class AccountReadModelGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task The_statement_follows_the_account_events_with_a_running_balance()
    {
        var owner = FreshOwner();
        var account = await Grains.Open(owner, deposit: 1_000);
        var other = await Grains.Open(FreshOwner());
        await account.Withdraw(owner, 100);
        await Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(account.GetPrimaryKey(), other.GetPrimaryKey(), 250, owner);

        var statement = Grains.GetGrain<IAccountStatementGrain>(account.GetPrimaryKey());
        await Eventually(async () => (await statement.GetStatement())?.Version == (await account.GetView())!.Version, "the statement catches up");

        var entries = (await statement.GetStatement())!.Entries;
        Assert.Equal([("deposit", 1000L, 1000L), ("withdrawal", -100, 900), ("transfer-out", -250, 650)], entries.Select(e => (e.Kind, e.Amount, e.Balance)));
        Assert.Equal(other.GetPrimaryKey(), entries[2].Counterparty);
    }

    [Fact]
    public async Task The_owner_summary_lists_the_owners_accounts_and_totals()
    {
        var owner = FreshOwner();
        var first = await Grains.Open(owner, deposit: 100);
        var second = await Grains.Open(owner, deposit: 50);
        var dollars = await Grains.Open(owner, deposit: 7, currency: "USD");

        var summary = Grains.GetGrain<IOwnerAccountsGrain>(owner);
        await Eventually(async () => (await summary.GetSummary()).Totals.Sum(t => t.Balance) == 157, "the summary catches up");

        var s = await summary.GetSummary();
        Assert.Equal(3, s.Accounts.Count);
        Assert.Equal([new CurrencyTotal("EUR", 150), new CurrencyTotal("USD", 7)], s.Totals);
        Assert.Contains(s.Accounts, a => a.Id == dollars.GetPrimaryKey() && a.Currency == "USD");
        _ = (first, second);
    }

    [Fact]
    public async Task An_owner_summary_that_wakes_up_with_stale_stored_lines_takes_the_latest_from_the_statements()
    {
        var owner = FreshOwner();
        var account = await Grains.Open(owner, deposit: 100);
        var summary = Grains.GetGrain<IOwnerAccountsGrain>(owner);
        await Eventually(async () => (await summary.GetSummary()).Totals.Sum(t => t.Balance) == 100, "the summary catches up");

        // What a crash between two flushes leaves in storage: the line as of the opening (balance 0).
        var storage = fixture.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var stored = new GrainState<OwnerLines>();
        await Eventually(async () =>
        {
            await storage.ReadStateAsync("owner-accounts", summary.GetGrainId(), stored);
            return stored.State?.Lines.ContainsKey(account.GetPrimaryKey()) == true;
        }, "the new account is stored");
        var line = stored.State!.Lines[account.GetPrimaryKey()];
        stored.State.Lines[account.GetPrimaryKey()] = line with { Balance = 0, Version = 1 };
        await storage.WriteStateAsync("owner-accounts", summary.GetGrainId(), stored);
        await summary.Cast<IGrainManagementExtension>().DeactivateOnIdle();

        await Eventually(async () => (await summary.GetSummary()).Totals.Sum(t => t.Balance) == 100, "the woken summary takes the statement's line again");
    }

    [Fact]
    public async Task A_rebuild_from_the_log_equals_the_live_read_models()
    {
        var owner = FreshOwner();
        var a = await Grains.Open(owner, deposit: 500);
        var b = await Grains.Open(owner);
        await Grains.GetGrain<ITransferGrain>(FreshTransferId()).Start(a.GetPrimaryKey(), b.GetPrimaryKey(), 120, owner);
        await b.Withdraw(owner, 20);

        await AccountsInvariant.AssertReadModelsEqualRebuild(Grains, [a.GetPrimaryKey(), b.GetPrimaryKey()], [owner]);
    }

    [Fact]
    public async Task A_new_user_gets_a_first_account_without_the_users_side_knowing_about_accounts()
    {
        var userId = await SignUp.NewUserAsync(Grains);
        var firstAccount = Grains.GetGrain<IAccountGrain>(await SignUp.FirstAccountAsync(Grains, userId));

        var again = await firstAccount.Open(userId, AccountRules.DefaultCurrency); // a redelivered event does this

        var view = (await firstAccount.GetView())!;
        Assert.Equal((userId, "EUR", 0L, "open"), (view.Owner, view.Currency, view.Balance, view.Status));
        Assert.Null(again.Rejection);
        Assert.Single(await firstAccount.GetHistory());
    }
}

/// <summary>The checks of the accounts invariant shared by the tests.</summary>
internal static class AccountsInvariant
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>
    /// Waits until the live statements have caught up with the accounts, then asserts that each statement and owner
    /// summary equals what a replay of the log computes.
    /// </summary>
    public static async Task AssertReadModelsEqualRebuild(IGrainFactory grains, IReadOnlyCollection<Guid> accounts, IReadOnlyCollection<long> owners)
    {
        foreach (var id in accounts)
        {
            var version = (await grains.GetGrain<IAccountGrain>(id).GetView())?.Version ?? 0;
            var statement = grains.GetGrain<IAccountStatementGrain>(id);
            await Eventually(async () => ((await statement.GetStatement())?.Version ?? 0) == version, $"statement {id} catches up");
        }

        var rebuild = await grains.GetGrain<IAccountReadModelsRebuilder>(0).RebuildFromLog();
        foreach (var id in accounts)
        {
            var live = await grains.GetGrain<IAccountStatementGrain>(id).GetStatement();
            var rebuilt = rebuild.Statements.SingleOrDefault(s => s.AccountId == id);
            Assert.Equal(JsonSerializer.Serialize(rebuilt, Json), JsonSerializer.Serialize(live, Json));
        }

        foreach (var owner in owners)
        {
            var expected = JsonSerializer.Serialize(rebuild.Owners.Single(o => o.Owner == owner), Json);
            var summary = grains.GetGrain<IOwnerAccountsGrain>(owner);
            await Eventually(async () => JsonSerializer.Serialize(await summary.GetSummary(), Json) == expected, $"owner {owner} summary equals its rebuild");
        }
    }
}
