using System.Collections.Concurrent;
using Actors.Accounts;
using Actors.News;

namespace Actors.Tests.Faults;

/// <summary>
/// The mixed load of the fault tests: up-votes (each user once per news) and transfers between funded accounts,
/// remembering what was acknowledged.
/// </summary>
public sealed class DomainLoad(IClusterClient client)
{
    private const long Owner = 7_000_000_001;
    private const long Funding = 10_000;
    private readonly List<Guid> _accounts = [];
    private readonly List<long> _news = [];
    private ConcurrentQueue<(long User, long News)> _votes = new();

    public ConcurrentBag<string> AcknowledgedTransfers { get; } = [];

    /// <summary>Every transfer id sent, acknowledged or not: a call cut by the kill may still have moved money.</summary>
    public ConcurrentBag<string> AttemptedTransfers { get; } = [];

    public ConcurrentDictionary<long, int> AcknowledgedVotes { get; } = new();

    public ConcurrentBag<Exception> Failures { get; } = [];

    public long Acknowledged => AcknowledgedTransfers.Count + AcknowledgedVotes.Values.Sum();

    public async Task PrepareAsync(int accounts = 20, int users = 60, int news = 5)
    {
        for (var i = 0; i < accounts; i++)
        {
            var id = Guid.NewGuid();
            Assert.Null((await client.GetGrain<IAccountGrain>(id).Open(Owner, "EUR")).Rejection);
            Assert.Null((await client.GetGrain<IAccountGrain>(id).Deposit(Owner, Funding)).Rejection);
            _accounts.Add(id);
        }

        // A few registrations at a time: they all go through one id allocator, and a loaded machine is slow.
        var userIds = new List<long>();
        foreach (var chunk in Enumerable.Range(0, users).Chunk(5))
        {
            userIds.AddRange(await Task.WhenAll(chunk.Select(_ => SignUp.NewUserAsync(client))));
        }

        for (var i = 0; i < news; i++)
        {
            var submitted = await client.GetGrain<INewsAuthorGrain>(userIds[i]).Submit($"Fault test news {i}", $"https://example.com/{Guid.NewGuid():N}", "");
            Assert.Null(submitted.Rejection);
            _news.Add(submitted.Id);
        }

        // A new user has karma for one up-vote: each votes once, on some news that is not their own.
        _votes = new ConcurrentQueue<(long, long)>(userIds.Skip(news).Select((u, i) => (u, _news[i % news])));
    }

    public Task RunAsync(CancellationToken stop, int workers = 6) => Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
    {
        var random = new Random(w);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (w % 2 == 0 && _votes.TryDequeue(out var vote))
                {
                    var result = await client.GetGrain<INewsGrain>(vote.News).Vote(vote.User, VoteDirection.Up);
                    if (result.Ok)
                    {
                        AcknowledgedVotes.AddOrUpdate(vote.News, 1, (_, n) => n + 1);
                    }
                }
                else
                {
                    var from = _accounts[random.Next(_accounts.Count)];
                    var to = _accounts[(_accounts.IndexOf(from) + 1 + random.Next(_accounts.Count - 1)) % _accounts.Count];
                    var id = $"f-{Guid.NewGuid():N}";
                    AttemptedTransfers.Add(id);
                    var reply = await client.GetGrain<ITransferGrain>(id).Start(from, to, 1 + random.Next(5), Owner);
                    if (reply.Rejection is null)
                    {
                        AcknowledgedTransfers.Add(id);
                    }
                }
            }
            catch (Exception e)
            {
                Failures.Add(e);
                await Task.Delay(50, CancellationToken.None);
            }
        }
    })));

    /// <summary>
    /// Every transfer ends, acknowledged or not (one whose request the kill cut short either never happened or is
    /// resumed by whoever looks at it), money is conserved exactly; every acknowledged up-vote is counted by its
    /// news, and the ranking view converges to the news aggregates' own counts.
    /// </summary>
    public async Task AssertConsistentAsync(TimeSpan timeout)
    {
        await Eventually(async () =>
        {
            try
            {
                var attempted = AttemptedTransfers.Distinct().ToArray();
                var views = await Task.WhenAll(attempted.Select(id => client.GetGrain<ITransferGrain>(id).GetView()));
                var recorded = attempted.Zip(views).Where(p => p.Second is not null).Select(p => p.First).ToHashSet();
                return views.All(v => v is null || v.Status != "pending") && AcknowledgedTransfers.All(recorded.Contains);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                return false;
            }
        }, "every transfer ended", timeout);

        var balances = await Task.WhenAll(_accounts.Select(a => client.GetGrain<IAccountGrain>(a).GetView()));
        Assert.Equal(_accounts.Count * Funding, balances.Sum(v => v!.Balance));

        foreach (var news in _news)
        {
            var view = await client.GetGrain<INewsGrain>(news).Get();
            Assert.True(view!.Up >= AcknowledgedVotes.GetValueOrDefault(news), $"news {news}: {view.Up} up-votes, {AcknowledgedVotes.GetValueOrDefault(news)} acknowledged");
        }

        var ranking = client.GetGrain<INewsRankingGrain>(0);
        await Eventually(async () =>
        {
            try
            {
                var ranked = await ranking.GetMany(_news);
                var own = await Task.WhenAll(_news.Select(n => client.GetGrain<INewsGrain>(n).Get()));
                return ranked.Count == _news.Count && ranked.Zip(own).All(p => p.First.Up == p.Second!.Up);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                return false;
            }
        }, "the ranking view agrees with the news aggregates", timeout);
    }
}
