using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Actors.Load;

/// <summary>
/// A long, steady mixed load at a fixed rate (open loop): calls start on a schedule of <c>--rate</c> per second whatever
/// the answers' latency, so a server that slows down shows it as latency, not as a lower rate. Each call is drawn at
/// random: 50% the top page, 10% the latest page, 10% a recent news' comment page, 15% up-votes (distinct voter/news
/// pairs), 5% comments on a recent news, 4% news submissions, 4% bank transfers and 2% deposits. Comments go to, and
/// comment pages are read from, the 200 news submitted last, so a page's size does not grow with the run. At most
/// <c>--workers</c> calls are in flight; calls due beyond that wait and are counted as behind schedule. Every
/// <c>--interval</c> it prints one line for that interval only:
/// <code>soak N t=SECONDS ops/s=R errors=E behind=B all=P50/P99/MAX top=... latest=... comments=... vote=... comment=... submit=... transfer=... deposit=...</code>
/// (latencies in ms, "-" for a kind with no call in the interval).
/// </summary>
internal static class Soak
{
    private static readonly string[] Kinds = ["top", "latest", "comments", "vote", "comment", "submit", "transfer", "deposit"];
    private static readonly int[] Weights = [50, 10, 10, 15, 5, 4, 4, 2];
    private const int RecentNews = 200;

    public static async Task<int> Run(HttpClient http, NewsApiClient api, LoadOptions o)
    {
        var (users, news) = await Setup.VotersAndNews(api, o);
        var pairs = new DistinctPairs(users.Length, news.Length);
        var votesNeeded = (long)(o.Rate * o.Duration.TotalSeconds * Weights[3] / 100 * 1.2);
        if (votesNeeded > (long)users.Length * news.Length)
        {
            Console.Error.WriteLine($"{users.Length} users x {news.Length} news give too few distinct votes for this run ({votesNeeded:N0} needed): raise --users or --news.");
            return 2;
        }

        var accounts = await Transfers.OpenAccounts(http, api, Math.Max(2, o.Users / 20));
        var recent = new RecentIds(news.TakeLast(RecentNews));
        var run = Guid.NewGuid().ToString("N")[..8];

        var interval = new Interval(Kinds.Length);
        long launched = 0, inFlight = 0, totalErrors = 0;
        string? firstError = null;
        var running = new List<Task>();

        async Task Call(long i)
        {
            var roll = Random.Shared.Next(100);
            var kind = 0;
            while (roll >= Weights[kind])
            {
                roll -= Weights[kind++];
            }

            var start = Stopwatch.GetTimestamp();
            try
            {
                var user = users[Random.Shared.Next(users.Length)];
                switch (kind)
                {
                    case 0:
                        await api.ReadTopRaw();
                        break;
                    case 1:
                        await api.ReadRaw("/api/getnews/latest/0/30");
                        break;
                    case 2:
                        await api.ReadRaw($"/api/getcomments/{recent.Any()}");
                        break;
                    case 3:
                        var (voter, item) = pairs.Next();
                        await api.Vote(users[voter], news[item]);
                        break;
                    case 4:
                        await api.Comment(user, recent.Any(), $"Soak comment {i}: still going.");
                        break;
                    case 5:
                        recent.Add(await api.Submit(user, $"Soak news {i}", $"https://soak.example/{run}/{i}"));
                        break;
                    case 6:
                        var from = Random.Shared.Next(accounts.Count);
                        var to = (from + 1 + Random.Shared.Next(accounts.Count - 1)) % accounts.Count;
                        await Transfers.Send(http, HttpMethod.Post, "/api/transfers", accounts[from].Token,
                            new { id = $"s{run}-{i}", from = accounts[from].Id, to = accounts[to].Id, amount = Random.Shared.Next(1, 1000) });
                        break;
                    default:
                        var account = accounts[Random.Shared.Next(accounts.Count)];
                        await Transfers.Send(http, HttpMethod.Post, $"/api/accounts/{account.Id}/deposit", account.Token, new { amount = Random.Shared.Next(1, 1000) });
                        break;
                }

                interval.Add(kind, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            catch (Exception e)
            {
                interval.Error();
                Interlocked.Increment(ref totalErrors);
                Interlocked.CompareExchange(ref firstError, $"{Kinds[kind]}: {e.Message}", null);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        Console.WriteLine(
            $"soak start: {o.Rate:F0} calls/s for {o.Duration.TotalSeconds:F0} s, a line every {o.Interval.TotalSeconds:F0} s, " +
            $"at most {o.Workers} in flight; latencies p50/p99/max ms");
        var clock = Stopwatch.StartNew();
        var nextLine = o.Interval;
        var sample = 0;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        while (clock.Elapsed < o.Duration)
        {
            await tick.WaitForNextTickAsync();
            var due = (long)(Math.Min(clock.Elapsed.TotalSeconds, o.Duration.TotalSeconds) * o.Rate);
            while (launched < due && Interlocked.Read(ref inFlight) < o.Workers)
            {
                Interlocked.Increment(ref inFlight);
                running.Add(Call(launched++));
            }

            if (running.Count > 4096)
            {
                running.RemoveAll(t => t.IsCompleted);
            }

            if (clock.Elapsed >= nextLine)
            {
                Console.WriteLine(interval.Line(++sample, clock.Elapsed, due - launched));
                nextLine += o.Interval;
            }
        }

        await Task.WhenAll(running);
        if (clock.Elapsed - (nextLine - o.Interval) > o.Interval / 2)
        {
            Console.WriteLine(interval.Line(++sample, clock.Elapsed, 0));
        }

        Console.WriteLine($"soak done: {launched:N0} calls in {clock.Elapsed.TotalSeconds:F0} s, {totalErrors} errors");
        if (firstError is not null)
        {
            Console.WriteLine($"first error: {firstError}");
        }

        return totalErrors == 0 ? 0 : 1;
    }

    /// <summary>The ids of the last news submitted (a ring), to comment on and read.</summary>
    private sealed class RecentIds
    {
        private readonly long[] _ids = new long[RecentNews];
        private int _next;
        private int _count;

        public RecentIds(IEnumerable<long> initial)
        {
            foreach (var id in initial)
            {
                Add(id);
            }
        }

        public void Add(long id)
        {
            lock (_ids)
            {
                _ids[_next] = id;
                _next = (_next + 1) % _ids.Length;
                _count = Math.Min(_count + 1, _ids.Length);
            }
        }

        public long Any()
        {
            lock (_ids)
            {
                return _ids[Random.Shared.Next(_count)];
            }
        }
    }

    /// <summary>Latencies by kind since the last line; taking the line starts the next interval.</summary>
    private sealed class Interval(int kinds)
    {
        private readonly Lock _lock = new();
        private List<double>[] _latencies = NewLists(kinds);
        private long _errors;
        private TimeSpan _since;

        public void Add(int kind, double ms)
        {
            lock (_lock)
            {
                _latencies[kind].Add(ms);
            }
        }

        public void Error() => Interlocked.Increment(ref _errors);

        public string Line(int sample, TimeSpan now, long behind)
        {
            List<double>[] taken;
            lock (_lock)
            {
                taken = _latencies;
                _latencies = NewLists(taken.Length);
            }

            var errors = Interlocked.Exchange(ref _errors, 0);
            var seconds = (now - _since).TotalSeconds;
            _since = now;
            var all = taken.SelectMany(l => l).ToList();
            var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
                $"soak {sample} t={now.TotalSeconds:F0} ops/s={all.Count / seconds:F1} errors={errors} behind={behind} all={Figures(all)}"));
            for (var k = 0; k < taken.Length; k++)
            {
                line.Append(CultureInfo.InvariantCulture, $" {Kinds[k]}={Figures(taken[k])}");
            }

            return line.ToString();
        }

        private static string Figures(List<double> latencies)
        {
            if (latencies.Count == 0)
            {
                return "-";
            }

            latencies.Sort();
            return string.Create(CultureInfo.InvariantCulture,
                $"{Runner.Percentile(latencies, 0.50):F2}/{Runner.Percentile(latencies, 0.99):F2}/{latencies[^1]:F2}");
        }

        private static List<double>[] NewLists(int count) => Enumerable.Range(0, count).Select(_ => new List<double>()).ToArray();
    }
}
