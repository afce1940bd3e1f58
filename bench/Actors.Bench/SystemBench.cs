using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Actors.Accounts;
using Actors.News;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Bench;

/// <summary>Durable up-votes and transfers through the grains (the whole command path), and vote -> top list delay.</summary>
internal sealed class SystemBench(IServiceProvider services, TimeSpan duration, int concurrency)
{
    private readonly IClusterClient _client = services.GetRequiredService<IClusterClient>();

    public async Task UpVotesAsync()
    {
        var users = await RegisterUsersAsync(1000); // 100,000 distinct (voter, news) pairs: more than a phase votes
        var news = new List<long>();
        foreach (var author in users.Take(100))
        {
            var submitted = await _client.GetGrain<INewsAuthorGrain>(author).Submit("Bench news", $"https://example.com/{Guid.NewGuid():N}", "");
            news.Add(submitted.Id);
        }

        // Every (user, news) pair votes once, in random order: each is a new durable up-vote.
        var pairs = new ConcurrentQueue<(long User, long News)>(users.SelectMany(u => news.Select(n => (u, n))).OrderBy(_ => Random.Shared.Next()));
        long ok = 0, refused = 0;
        using var stop = new CancellationTokenSource(duration);
        var cpu = new CpuMeter();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && pairs.TryDequeue(out var pair))
            {
                var result = await _client.GetGrain<INewsGrain>(pair.News).Vote(pair.User, VoteDirection.Up);
                Interlocked.Increment(ref result.Ok ? ref ok : ref refused);
            }
        })));
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"durable up-votes through grains: {ok / seconds:F0}/s ({ok} in {seconds:F0} s, {refused} refused, {concurrency} concurrent)");
        Console.WriteLine($"  {cpu.PerOperation(ok)}");

        await VoteToTopListDelayAsync(users, news);
    }

    /// <summary>
    /// Durable news submissions, each by one of many authors (no submission break here), every one with a distinct URL:
    /// the whole path (profile, URL guard, id, news stream with its automatic vote, the author's last submission).
    /// </summary>
    public async Task SubmissionsAsync()
    {
        var authors = await RegisterUsersAsync(Math.Max(concurrency * 4, 256));
        // Warm-up first, not counted (as for transfers, below): measured from cold, a 15 s phase spent ~28% of the silo's
        // CPU in the tiered JIT's background compiler, 12-18 s into the load.
        await RunSubmissionsAsync(authors, Warmup, new StrongBox<long>(), new StrongBox<long>());
        var (ok, refused) = (new StrongBox<long>(), new StrongBox<long>());
        var cpu = new CpuMeter();
        var watch = Stopwatch.StartNew();
        await RunSubmissionsAsync(authors, duration, ok, refused);
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"durable submissions through grains: {ok.Value / seconds:F0}/s ({ok.Value} in {seconds:F0} s after a {Warmup.TotalSeconds:F0} s warm-up, {refused.Value} refused, {concurrency} concurrent)");
        Console.WriteLine($"  {cpu.PerOperation(ok.Value)}");
    }

    private async Task RunSubmissionsAsync(IReadOnlyList<long> authors, TimeSpan length, StrongBox<long> ok, StrongBox<long> refused)
    {
        using var stop = new CancellationTokenSource(length);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; !stop.IsCancellationRequested; i += concurrency)
            {
                var author = _client.GetGrain<INewsAuthorGrain>(authors[i % authors.Count]);
                var result = await author.Submit("Bench news", $"https://example.com/{Guid.NewGuid():N}", "");
                Interlocked.Increment(ref result.Ok ? ref ok.Value : ref refused.Value);
            }
        })));
    }

    /// <summary>Unmeasured load before a timed phase: the tiered JIT's start-up work (BENCH_WARMUP seconds, default 20).</summary>
    private static TimeSpan Warmup => TimeSpan.FromSeconds(Environment.GetEnvironmentVariable("BENCH_WARMUP") is { Length: > 0 } seconds
        ? double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)
        : 20);

    private async Task VoteToTopListDelayAsync(IReadOnlyList<long> users, IReadOnlyList<long> news)
    {
        var ranking = _client.GetGrain<INewsRankingGrain>(0);
        var fresh = await RegisterUsersAsync(200);

        // First the burst's own backlog: one vote, timed until the ranking shows it (at least once everything before
        // it on its partition is delivered). Then single votes, each timed from its acknowledgement.
        var catchUp = Stopwatch.StartNew();
        var probeNews = news[0];
        var probeBefore = (await ranking.GetMany([probeNews]))[0].Up;
        if ((await _client.GetGrain<INewsGrain>(probeNews).Vote(fresh[^1], VoteDirection.Up)).Ok)
        {
            while ((await ranking.GetMany([probeNews]))[0].Up <= probeBefore)
            {
                await Task.Delay(5);
            }
        }

        Console.WriteLine($"(vote burst delivered to the top list {catchUp.Elapsed.TotalSeconds:F1} s after it ended)");
        fresh.RemoveAt(fresh.Count - 1);
        var delays = new List<double>();
        var deadline = DateTime.UtcNow + duration;
        foreach (var voter in fresh)
        {
            if (DateTime.UtcNow > deadline)
            {
                break;
            }

            var target = news[Random.Shared.Next(news.Count)];
            var before = (await ranking.GetMany([target]))[0].Up;
            var result = await _client.GetGrain<INewsGrain>(target).Vote(voter, VoteDirection.Up);
            if (!result.Ok)
            {
                continue;
            }

            var watch = Stopwatch.StartNew();
            while ((await ranking.GetMany([target]))[0].Up <= before)
            {
                await Task.Delay(1);
            }

            delays.Add(watch.Elapsed.TotalMilliseconds);
        }

        delays.Sort();
        if (delays.Count > 0)
        {
            Console.WriteLine($"acknowledged vote -> top list (ranking view): n={delays.Count} p50={delays[delays.Count / 2]:F1} ms p99={delays[Math.Min(delays.Count - 1, (int)(delays.Count * 0.99))]:F1} ms max={delays[^1]:F1} ms");
        }
    }

    /// <summary>
    /// 200 accounts of 40 owners (5 each, the shape of the in-memory accounts bench): one owner holding all 200 would make
    /// every movement rewrite one 200-line owner summary, a hot spot of the bench, not of transfers.
    /// </summary>
    private async Task<List<(Guid Id, long Owner)>> OpenAccountsAsync()
    {
        const int owners = 40, accountsPerOwner = 5;
        var ownerBase = Random.Shared.NextInt64(1_000_000_000, 2_000_000_000) * 1000;
        var accounts = new List<(Guid Id, long Owner)>();
        for (var i = 0; i < owners * accountsPerOwner; i++)
        {
            var id = Guid.NewGuid();
            var owner = ownerBase + i % owners;
            var account = _client.GetGrain<IAccountGrain>(id);
            await account.Open(owner, "EUR");
            await account.Deposit(owner, 1_000_000);
            accounts.Add((id, owner));
        }

        return accounts;
    }

    /// <summary>
    /// Balance reads (<c>IAccountGrain.GetView</c>) of 200 active accounts. In PostgreSQL mode each read first asks the
    /// log for its stream's tail (one indexed read, usually empty), so that an activation the cluster has replaced (a paused
    /// or cut-off silo) never answers an old balance: this measures what that costs, next to pgbench's select-only run.
    /// </summary>
    public async Task BalanceReadsAsync()
    {
        var accounts = await OpenAccountsAsync();
        var reads = new StrongBox<long>();
        await RunReadsAsync(accounts, Warmup, new StrongBox<long>());
        await CpuMeter.ResetStatementStatsAsync(services);
        var cpu = new CpuMeter();
        var watch = Stopwatch.StartNew();
        await RunReadsAsync(accounts, duration, reads);
        Console.WriteLine($"durable balance reads through grains: {reads.Value / watch.Elapsed.TotalSeconds:F0}/s ({reads.Value} in {watch.Elapsed.TotalSeconds:F0} s, {concurrency} concurrent)");
        Console.WriteLine($"  {cpu.PerOperation(reads.Value)}");
    }

    private async Task RunReadsAsync(List<(Guid Id, long Owner)> accounts, TimeSpan span, StrongBox<long> reads)
    {
        using var stop = new CancellationTokenSource(span);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (!stop.IsCancellationRequested)
            {
                if (await _client.GetGrain<IAccountGrain>(accounts[random.Next(accounts.Count)].Id).GetView() is not null)
                {
                    Interlocked.Increment(ref reads.Value);
                }
            }
        })));
    }

    public async Task TransfersAsync()
    {
        var accounts = await OpenAccountsAsync();

        // Warm-up first, not counted: the transfer path's code is compiled by the tiered JIT during its first seconds of
        // load, and with dynamic PGO it runs instrumented code until it is recompiled: on two busy cores ~9% of the
        // silo's samples were still in instrumented code 12 s into the load (silo CPU per transfer 642 µs after an 8 s
        // warm-up, 483 µs after 40 s). That is start-up cost, not the cost of a transfer. BENCH_WARMUP overrides (seconds).
        var warmup = Warmup;
        await RunTransfersAsync(accounts, warmup, new StrongBox<long>(), new ConcurrentBag<string>(), new StrongBox<long>());
        var started = new StrongBox<long>();
        var answeredPending = new ConcurrentBag<string>();
        var refused = new StrongBox<long>();
        await CpuMeter.ResetStatementStatsAsync(services);
        var cpu = new CpuMeter();
        using var commits = new CommitMeter();
        var watch = Stopwatch.StartNew();
        await RunTransfersAsync(accounts, duration, started, answeredPending, refused);
        var acceptedSeconds = watch.Elapsed.TotalSeconds;
        var commitSummary = commits.Summary(acceptedSeconds);

        // A transfer is done when its outcome is recorded; most are when Start answers: wait for the others.
        var pending = answeredPending.ToList();
        while (pending.Count > 0)
        {
            var views = await Task.WhenAll(pending.Select(id => _client.GetGrain<ITransferGrain>(id).GetView()));
            pending = pending.Where((_, i) => views[i]?.Status == "pending").ToList();
            if (pending.Count > 0)
            {
                await Task.Delay(50);
            }
        }

        var doneSeconds = watch.Elapsed.TotalSeconds;
        var total = (await Task.WhenAll(accounts.Select(a => _client.GetGrain<IAccountGrain>(a.Id).GetView()))).Sum(v => v!.Balance);
        Console.WriteLine($"durable transfers through grains: {started.Value / acceptedSeconds:F0}/s accepted, {started.Value / doneSeconds:F0}/s completed " +
                          $"({started.Value} in {doneSeconds:F0} s after a {warmup.TotalSeconds:F0} s warm-up, {refused.Value} refused, {concurrency} concurrent; " +
                          $"money conserved: {total == accounts.Count * 1_000_000L})");
        Console.WriteLine($"  {cpu.PerOperation(started.Value)}");
        Console.WriteLine($"  {commitSummary}");
    }

    private async Task RunTransfersAsync(
        List<(Guid Id, long Owner)> accounts, TimeSpan span, StrongBox<long> started, ConcurrentBag<string> answeredPending, StrongBox<long> refused)
    {
        using var stop = new CancellationTokenSource(span);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (!stop.IsCancellationRequested)
            {
                var from = accounts[random.Next(accounts.Count)];
                var to = accounts[random.Next(accounts.Count)];
                if (from == to)
                {
                    continue;
                }

                var id = $"bench-{Guid.NewGuid():N}";
                var reply = await _client.GetGrain<ITransferGrain>(id).Start(from.Id, to.Id, 1, from.Owner);
                if (reply.Rejection is null)
                {
                    Interlocked.Increment(ref started.Value);
                    if (reply.View?.Status == "pending")
                    {
                        answeredPending.Add(id);
                    }
                }
                else
                {
                    Interlocked.Increment(ref refused.Value);
                }
            }
        })));
    }

    private async Task<List<long>> RegisterUsersAsync(int count)
    {
        // A few at a time: user ids come from one allocator grain (a storage write each), so hundreds of registrations
        // at once queue behind it and, on a loaded machine, run past the 30 s response timeout.
        var ids = new ConcurrentBag<long>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            var name = $"b{Guid.NewGuid():N}"[..20];
            var registration = await _client.GetGrain<IUsernameGrain>(UsernameDecider.KeyOf(name)).Register(new RegisterUser(
                name, PasswordHashing.Hash("password1", 1), PasswordHashing.NewToken(), PasswordHashing.NewToken(), null));
            ids.Add(registration.UserId);
        });
        return ids.Where(id => id > 0).ToList();
    }
}
