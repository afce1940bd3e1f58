using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Actors.Load;

internal static class Scenarios
{
    /// <summary>Anonymous front-page reads in a closed loop: GET /api/getnews/top/0/30.</summary>
    public static async Task<int> Top(NewsApiClient api, LoadOptions o)
    {
        var existing = (await api.TopIds()).Length;
        if (existing < 30)
        {
            var users = await Setup.Accounts(api, Math.Min(30, 30 - existing));
            await Setup.News(api, users, 30 - existing);
        }

        var result = await Runner.ClosedLoop(o.Workers, o.Duration, (_, _) => api.ReadTopRaw());
        result.Print("top-30 reads", lamernews: 1_100);
        return result.Errors == 0 ? 0 : 1;
    }

    /// <summary>Up-votes by distinct (voter, news) pairs, each voting someone else's news (so karma is spent and credited).</summary>
    public static async Task<int> Votes(NewsApiClient api, LoadOptions o)
    {
        var (voters, news) = await Setup.VotersAndNews(api, o);
        var pairs = new DistinctPairs(voters.Length, news.Length);
        var result = await Runner.ClosedLoop(o.Workers, o.Duration, async (_, _) =>
        {
            var (voter, item) = pairs.Next();
            await api.Vote(voters[voter], news[item]);
        });
        result.Print("up-votes", lamernews: 700);
        return result.Errors == 0 ? 0 : 1;
    }

    /// <summary>
    /// A news site's mix in one closed loop, each call drawn at random: 70% reads (50% the top page, 10% the latest
    /// page, 10% a news' comment page), 20% up-votes (distinct voter/news pairs, as in <see cref="Votes"/>), 5% comments
    /// on a random news, 5% news submissions. Reads are anonymous; writes are by random registered users.
    /// </summary>
    public static async Task<int> Mixed(NewsApiClient api, LoadOptions o)
    {
        var (users, news) = await Setup.VotersAndNews(api, o);
        var pairs = new DistinctPairs(users.Length, news.Length);
        string[] kinds = ["read top", "read latest", "read comments", "vote", "comment", "submit"];
        int[] weights = [50, 10, 10, 20, 5, 5];
        var latencies = kinds.Select(_ => new List<double>()).ToArray();
        var result = await Runner.ClosedLoop(o.Workers, o.Duration, async (_, i) =>
        {
            var roll = Random.Shared.Next(100);
            var kind = 0;
            while (roll >= weights[kind])
            {
                roll -= weights[kind++];
            }

            var user = users[Random.Shared.Next(users.Length)];
            var someNews = news[Random.Shared.Next(news.Length)];
            var start = Stopwatch.GetTimestamp();
            switch (kind)
            {
                case 0:
                    await api.ReadTopRaw();
                    break;
                case 1:
                    await api.ReadRaw("/api/getnews/latest/0/30");
                    break;
                case 2:
                    await api.ReadRaw($"/api/getcomments/{someNews}");
                    break;
                case 3:
                    var (voter, item) = pairs.Next();
                    await api.Vote(users[voter], news[item]);
                    break;
                case 4:
                    await api.Comment(user, someNews, $"Load comment {i}: what a thread.");
                    break;
                default:
                    await api.Submit(user, $"Load news {Guid.NewGuid():N}", $"https://load.example/{Guid.NewGuid():N}");
                    break;
            }

            if (i >= 0)
            {
                var list = latencies[kind];
                lock (list)
                {
                    list.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        });
        result.Print("mixed news workload", lamernews: null);
        for (var kind = 0; kind < kinds.Length; kind++)
        {
            var list = latencies[kind];
            list.Sort();
            Console.WriteLine(
                $"  {kinds[kind],-13} {list.Count / result.Elapsed.TotalSeconds,7:F0}/s  p50 {Runner.Percentile(list, 0.50):F2} ms, " +
                $"p99 {Runner.Percentile(list, 0.99):F2} ms, p999 {Runner.Percentile(list, 0.999):F2} ms");
        }

        return result.Errors == 0 ? 0 : 1;
    }

    /// <summary>
    /// From an acknowledged vote to the new order being visible in GET /api/getnews/top/0/30: two fresh news A (older)
    /// and B (newer) with equal scores rank B first; an up-vote on whichever is below flips the order, and a reader
    /// polls the top page until it shows the flip. One sample per vote, voters never repeat a pair.
    /// </summary>
    public static async Task<int> VoteLatency(NewsApiClient api, LoadOptions o)
    {
        var authors = await Setup.Accounts(api, 2);
        var a = await api.Submit(authors[0], "latency probe A", $"https://load.example/{Guid.NewGuid():N}");
        var b = await api.Submit(authors[1], "latency probe B", $"https://load.example/{Guid.NewGuid():N}");
        var voters = await Setup.Accounts(api, 400);
        var top = await api.TopIds(32);
        if (!top.Contains(a) || !top.Contains(b))
        {
            Console.Error.WriteLine("The probe news are not in the top page (older news score higher): run this scenario on a fresh gateway.");
            return 1;
        }

        var samples = new List<double>();
        var deadline = Stopwatch.StartNew();
        var voter = 0;
        while (deadline.Elapsed < o.Duration && voter < voters.Length)
        {
            var order = await api.TopIds(32);
            var (below, above) = Array.IndexOf(order, a) > Array.IndexOf(order, b) ? (a, b) : (b, a);
            await api.Vote(voters[voter++], below);
            var acknowledged = Stopwatch.GetTimestamp();
            while (true)
            {
                order = await api.TopIds(32);
                if (Array.IndexOf(order, below) < Array.IndexOf(order, above))
                {
                    break;
                }

                if (Stopwatch.GetElapsedTime(acknowledged) > TimeSpan.FromSeconds(10))
                {
                    Console.Error.WriteLine("The new order did not show within 10 s.");
                    return 1;
                }
            }

            samples.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
            if (voter == voters.Length)
            {
                voters = await Setup.Accounts(api, 400);
                voter = 0;
            }
        }

        samples.Sort();
        Console.WriteLine(
            $"vote -> visible in top: {samples.Count} samples, p50 {Runner.Percentile(samples, 0.50):F2} ms, " +
            $"p99 {Runner.Percentile(samples, 0.99):F2} ms, max {samples[^1]:F2} ms");
        return 0;
    }
}
