using Actors.Accounts;
using static Actors.Tests.Accounts.AccountTestKit;

namespace Actors.Tests.Accounts;

[Collection(ClusterCollection.Name)]
public class AccountsInvariantTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    /// <summary>
    /// Many concurrent random transfers (with repeats of the same transfer id, transfers to closed and missing accounts,
    /// closes racing with credits, deposits and withdrawals in between): no money is created or lost.
    /// </summary>
    [Fact]
    public async Task Concurrent_random_transfers_never_create_or_lose_money()
    {
        var random = new Random(20261123);
        var owners = Enumerable.Range(0, 4).Select(_ => FreshOwner()).ToArray();
        var accounts = new List<(IAccountGrain Grain, long Owner)>();
        long deposits = 0, withdrawals = 0;
        for (var i = 0; i < 12; i++)
        {
            var owner = owners[i % owners.Length];
            var amount = i < 9 ? 10_000 : 0; // the last three start empty: candidates for closing
            accounts.Add((await Grains.Open(owner, amount), owner));
            deposits += amount;
        }

        // One account closed up front; the others with zero balance try to close while credits may be arriving.
        Assert.Null((await accounts[11].Grain.Close(accounts[11].Owner)).Rejection);
        var missing = Guid.NewGuid();
        var targets = accounts.Select(a => a.Grain.GetPrimaryKey()).Append(missing).ToArray();

        var requests = new List<(string Id, int From, Guid To, long Amount)>();
        for (var i = 0; i < 400; i++)
        {
            if (requests.Count > 0 && random.NextDouble() < 0.25)
            {
                requests.Add(requests[random.Next(requests.Count)]); // a client retrying the same transfer
                continue;
            }

            var from = random.Next(accounts.Count);
            var to = targets[random.Next(targets.Length)];
            if (to == accounts[from].Grain.GetPrimaryKey())
            {
                to = missing;
            }

            requests.Add(($"inv-{Guid.NewGuid():N}", from, to, random.Next(1, 3_000)));
        }

        var moneyTasks = new List<Task<(long In, long Out)>>();
        var transferTasks = requests.Select(async r =>
        {
            await Task.Yield();
            var reply = await Grains.GetGrain<ITransferGrain>(r.Id).Start(accounts[r.From].Grain.GetPrimaryKey(), r.To, r.Amount, accounts[r.From].Owner);
            Assert.Null(reply.Rejection);
            return reply.View!;
        }).ToList();
        for (var i = 0; i < 60; i++)
        {
            var (grain, owner) = accounts[random.Next(accounts.Count)];
            var amount = random.Next(1, 2_000);
            var kind = random.Next(3);
            moneyTasks.Add(Task.Run(async () =>
            {
                switch (kind)
                {
                    case 0:
                        return (await grain.Deposit(owner, amount)).Rejection is null ? (amount, 0L) : (0L, 0L);
                    case 1:
                        return (await grain.Withdraw(owner, amount)).Rejection is null ? (0L, amount) : (0L, 0L);
                    default:
                        await grain.Close(owner); // usually refused (money, or a transfer in flight); either outcome is fine
                        return (0L, 0L);
                }
            }));
        }

        var views = await Task.WhenAll(transferTasks);
        foreach (var (added, taken) in await Task.WhenAll(moneyTasks))
        {
            deposits += added;
            withdrawals += taken;
        }

        // Every transfer is terminal, and every repeat of an id saw the same outcome.
        Assert.All(views, v => Assert.NotEqual("pending", v.Status));
        foreach (var group in views.GroupBy(v => v.Id))
        {
            Assert.Single(group.Select(v => (v.Status, v.Reason)).Distinct());
        }

        Assert.Contains(views, v => v.Status == "completed");
        Assert.Contains(views, v => v.Reason == "account-closed");
        Assert.Contains(views, v => v.Reason == "account-not-found");

        // Conservation: the sum of all balances is what came in minus what went out.
        var balances = await Task.WhenAll(accounts.Select(a => a.Grain.Balance()));
        Assert.Equal(deposits - withdrawals, balances.Sum());

        // No balance was ever negative, and each transfer moved money at most once per account (by the event history).
        var completed = views.Where(v => v.Status == "completed").Select(v => v.Id).ToHashSet();
        foreach (var (grain, _) in accounts)
        {
            var history = await grain.GetHistory();
            var state = AccountDecider.Initial;
            foreach (var e in history)
            {
                state = AccountDecider.Evolve(state, (IAccountEvent)e.Data);
                Assert.True(state.Balance >= 0, $"balance {state.Balance} after version {e.Version}");
            }

            Assert.Equal(state.Balance, await grain.Balance());
            var debits = history.Select(e => e.Data).OfType<TransferDebited>().Select(d => d.TransferId)
                .Concat(history.Select(e => e.Data).OfType<TransferSent>().Select(d => d.TransferId)).ToList();
            Assert.Equal(debits.Count, debits.Distinct().Count());
            Assert.All(history.Select(e => e.Data).OfType<TransferRefunded>(), r => Assert.DoesNotContain(r.TransferId, completed));
            Assert.Empty(state.Unsettled);
        }

        // Each completed transfer arrived exactly once.
        var credits = new List<string>();
        foreach (var (grain, _) in accounts)
        {
            credits.AddRange((await grain.GetHistory()).Select(e => e.Data).OfType<TransferCredited>().Select(c => c.TransferId));
        }

        Assert.Equal(completed.OrderBy(x => x), credits.OrderBy(x => x));

        // The read models agree with a rebuild from the log.
        await AccountsInvariant.AssertReadModelsEqualRebuild(Grains, accounts.Select(a => a.Grain.GetPrimaryKey()).ToArray(), owners);
    }
}
