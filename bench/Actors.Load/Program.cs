using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Actors.Load;

// Load scenarios for the news API of a running gateway (start it with the settings in README of this tool).
//   dotnet run -c Release --project bench/Actors.Load -- <top|votes|votes-wrk|mixed|vote-latency|transfers|soak> [--duration 20s] [--warmup 10s]
//                                                      [--url http://localhost:5080] [--workers 64] [--users 400] [--news 400]
//                                                      [--gateway-pid PID] [--subscribers 1000] (ws-fanout) [--wrk-threads 2] (votes-wrk)
//                                                      [--rate 200] [--interval 60s] (soak: calls per second, one line per interval)
var options = LoadOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Actors.Load <top|votes|votes-wrk|mixed|vote-latency|ws-fanout|transfers|soak> [--duration 20s] [--warmup 10s] [--url http://localhost:5080] [--workers 64] [--users N] [--news N] [--rate 200] [--interval 60s]");
    return 2;
}

using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Workers + 4,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
})
{
    BaseAddress = new Uri(options.Url),
    Timeout = TimeSpan.FromSeconds(30),
};
var api = new NewsApiClient(http);
Runner.GatewayPid = options.GatewayPid;
Runner.Warmup = options.Warmup;

return options.Scenario switch
{
    "top" => await Scenarios.Top(api, options),
    "votes" => await Scenarios.Votes(api, options),
    "votes-wrk" => await WrkVotes.Run(api, options),
    "mixed" => await Scenarios.Mixed(api, options),
    "vote-latency" => await Scenarios.VoteLatency(api, options),
    "ws-fanout" => await WsFanout.Run(api, http, options),
    "transfers" => await Transfers.Run(http, api, options),
    "soak" => await Soak.Run(http, api, options),
    _ => 2,
};

namespace Actors.Load
{
    internal sealed record LoadOptions(
        string Scenario, TimeSpan Duration, string Url, int Workers, int Users, int News, int? GatewayPid = null, int Subscribers = 1000)
    {
        public static LoadOptions? Parse(string[] args)
        {
            if (args.Length == 0 || args[0] is not ("top" or "votes" or "votes-wrk" or "mixed" or "vote-latency" or "ws-fanout" or "transfers" or "soak"))
            {
                return null;
            }

            var o = new LoadOptions(args[0], TimeSpan.FromSeconds(20), "http://localhost:5080", 64, 400, 400);
            for (var i = 1; i + 1 < args.Length; i += 2)
            {
                var value = args[i + 1];
                o = args[i] switch
                {
                    "--duration" => o with { Duration = Seconds(value) },
                    "--warmup" => o with { Warmup = Seconds(value) },
                    "--url" => o with { Url = value },
                    "--workers" => o with { Workers = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--users" => o with { Users = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--news" => o with { News = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--gateway-pid" => o with { GatewayPid = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--subscribers" => o with { Subscribers = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--wrk-threads" => o with { WrkThreads = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--rate" => o with { Rate = double.Parse(value, CultureInfo.InvariantCulture) },
                    "--interval" => o with { Interval = Seconds(value) },
                    _ => throw new ArgumentException($"Unknown option {args[i]}"),
                };
            }

            return o;

            static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(double.Parse(value.TrimEnd('s'), CultureInfo.InvariantCulture));
        }

        /// <summary>
        /// How long the closed-loop scenarios run before measuring: a freshly started gateway is still compiling its hot
        /// paths (tiered JIT) for the first tens of seconds, and figures should describe the warm server.
        /// </summary>
        public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);

        /// <summary>wrk's threads in <c>votes-wrk</c> (one per core of the machine is wrk's own advice).</summary>
        public int WrkThreads { get; init; } = 2;

        /// <summary>Calls started per second in <c>soak</c> (an open loop: the schedule does not wait for answers).</summary>
        public double Rate { get; init; } = 200;

        /// <summary>How often <c>soak</c> prints the figures of the interval just ended.</summary>
        public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(60);
    }

    internal sealed record Account(string Auth, string Secret);

    /// <summary>The few API calls the scenarios need; every answer must be the ok envelope.</summary>
    internal sealed class NewsApiClient(HttpClient http)
    {
        private int _names;
        private readonly string _run = Guid.NewGuid().ToString("N")[..6];

        public async Task<Account> CreateAccount()
        {
            var name = $"load{_run}{Interlocked.Increment(ref _names)}";
            var json = await Send(HttpMethod.Post, "/api/create_account", null, ("username", name), ("password", "load-password-1"));
            return new Account(json.GetProperty("auth").GetString()!, json.GetProperty("apisecret").GetString()!);
        }

        public async Task<long> Submit(Account user, string title, string url)
        {
            var json = await Send(HttpMethod.Post, "/api/submit", user, ("apisecret", user.Secret), ("title", title), ("news_id", "-1"), ("url", url), ("text", ""));
            return json.GetProperty("news_id").GetInt64();
        }

        public Task<JsonElement> Vote(Account user, long newsId) =>
            Send(HttpMethod.Post, "/api/votenews", user, ("apisecret", user.Secret), ("news_id", newsId.ToString(CultureInfo.InvariantCulture)), ("vote_type", "up"));

        public async Task<long[]> TopIds(int count = 30)
        {
            var json = await Send(HttpMethod.Get, $"/api/getnews/top/0/{count}", null);
            return json.GetProperty("news").EnumerateArray().Select(n => n.GetProperty("id").GetInt64()).ToArray();
        }

        public Task<JsonElement> Comment(Account user, long newsId, string body) =>
            Send(HttpMethod.Post, "/api/postcomment", user, ("apisecret", user.Secret), ("news_id", newsId.ToString(CultureInfo.InvariantCulture)),
                ("comment_id", "-1"), ("parent_id", "-1"), ("comment", body));

        /// <summary>The top page as bytes (what a browser would fetch); checks only the status code.</summary>
        public Task ReadTopRaw() => ReadRaw("/api/getnews/top/0/30");

        /// <summary>Any GET as text; checks only the status code.</summary>
        public async Task<string> ReadText(string path)
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync();
        }

        /// <summary>Any GET of the API as bytes; checks only the status code.</summary>
        public async Task ReadRaw(string path)
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
            response.EnsureSuccessStatusCode();
            _ = await response.Content.ReadAsByteArrayAsync();
        }

        public async Task<JsonElement> Send(HttpMethod method, string path, Account? user, params (string Key, string Value)[] form)
        {
            using var request = new HttpRequestMessage(method, path);
            if (user is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", user.Auth);
            }

            if (method == HttpMethod.Post)
            {
                request.Content = new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));
            }

            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync()).RootElement.Clone();
            if (json.GetProperty("status").GetString() != "ok")
            {
                throw new InvalidOperationException($"{path}: {json}");
            }

            return json;
        }
    }

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

    internal static class Setup
    {
        /// <summary>
        /// <c>--users</c> registered users and <c>--news</c> news by authors of their own (an author's news already
        /// carries the author's vote, so every (user, news) pair is a vote still to cast).
        /// </summary>
        public static async Task<(Account[] Users, long[] News)> VotersAndNews(NewsApiClient api, LoadOptions o)
        {
            Console.WriteLine($"setup: {o.Users} users, {o.News} news ({o.Users * (long)o.News:N0} distinct vote pairs)...");
            var sw = Stopwatch.StartNew();
            var users = await Accounts(api, o.Users);
            var authors = await Accounts(api, Math.Max(1, o.News / 10));
            var news = await News(api, authors, o.News);
            Console.WriteLine($"setup done in {sw.Elapsed.TotalSeconds:F1} s");
            return (users, news);
        }

        public static async Task<Account[]> Accounts(NewsApiClient api, int count)
        {
            var accounts = new Account[count];
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) => accounts[i] = await api.CreateAccount());
            return accounts;
        }

        public static async Task<long[]> News(NewsApiClient api, Account[] authors, int count)
        {
            var ids = new long[count];
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
                ids[i] = await api.Submit(authors[i % authors.Length], $"Load news {i}", $"https://load.example/{Guid.NewGuid():N}"));
            return ids;
        }

        /// <summary>A stride coprime with <paramref name="n"/>, so k * stride mod n visits every pair once in a scattered order.</summary>
        public static long CoprimeStride(long n)
        {
            var stride = (long)(n * 0.6180339887) | 1;
            while (Gcd(stride, n) != 1)
            {
                stride += 2;
            }

            return stride;

            static long Gcd(long x, long y) => y == 0 ? x : Gcd(y, x % y);
        }
    }

    /// <summary>
    /// Every (voter, news) pair once, in a scattered order (k * stride mod pairs), so consecutive votes hit different
    /// news and different voters; safe to call from many workers.
    /// </summary>
    internal sealed class DistinctPairs(int voters, int news)
    {
        private readonly long _total = (long)voters * news;
        private readonly long _stride = Setup.CoprimeStride((long)voters * news);
        private long _next = -1;

        public (int Voter, int News) Next()
        {
            var k = Interlocked.Increment(ref _next);
            if (k >= _total)
            {
                throw new InvalidOperationException("Out of distinct pairs: raise --users or --news.");
            }

            var pair = k * _stride % _total;
            return ((int)(pair / news), (int)(pair % news));
        }
    }

    internal sealed record RunResult(long Count, long Errors, TimeSpan Elapsed, List<double> LatenciesMs, string? FirstError)
    {
        /// <summary>CPU seconds the gateway process used during the run (from /proc), when its pid was given.</summary>
        public double? GatewayCpuSeconds { get; init; }

        public void Print(string what, double? lamernews)
        {
            var rate = Count / Elapsed.TotalSeconds;
            LatenciesMs.Sort();
            Console.WriteLine(
                $"{what}: {rate:F0}/s ({Count:N0} in {Elapsed.TotalSeconds:F1} s, {Errors} errors), " +
                $"latency p50 {Runner.Percentile(LatenciesMs, 0.50):F2} ms, p99 {Runner.Percentile(LatenciesMs, 0.99):F2} ms, " +
                $"p999 {Runner.Percentile(LatenciesMs, 0.999):F2} ms" +
                (lamernews is { } anchor ? $"; {rate / anchor:F1}x Lamernews (~{anchor:N0}/s)" : ""));
            if (GatewayCpuSeconds is { } cpu && Count > 0)
            {
                Console.WriteLine(
                    $"gateway CPU: {cpu:F1} s ({cpu / Elapsed.TotalSeconds:F2} cores), {cpu * 1e6 / Count:F0} us per call " +
                    $"=> {Count / cpu:F0}/s per fully used core");
            }

            if (FirstError is not null)
            {
                Console.WriteLine($"first error: {FirstError}");
            }
        }
    }

    internal static class Runner
    {
        /// <summary>The gateway's process id, to report its CPU use (optional).</summary>
        public static int? GatewayPid { get; set; }

        /// <summary>How long <see cref="ClosedLoop"/> runs unmeasured first.</summary>
        public static TimeSpan Warmup { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>utime + stime of a process, in seconds (Linux /proc; clock ticks are 100 Hz).</summary>
        public static double? CpuSeconds(int? pid)
        {
            if (pid is null || !File.Exists($"/proc/{pid}/stat"))
            {
                return null;
            }

            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }

        /// <summary>
        /// <paramref name="workers"/> loops call <paramref name="call"/> back to back for <see cref="Warmup"/> (with a
        /// negative call number: not measured), then for <paramref name="duration"/>, printing progress every 5 s.
        /// </summary>
        public static async Task<RunResult> ClosedLoop(int workers, TimeSpan duration, Func<int, long, Task> call)
        {
            // Warm-up: connections open and the gateway's hot paths are compiled before the clock starts.
            if (Warmup > TimeSpan.Zero)
            {
                Console.WriteLine($"warm-up {Warmup.TotalSeconds:F0} s...");
            }

            var warm = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
            {
                do
                {
                    await Safe(() => call(w, -1));
                }
                while (warm.Elapsed < Warmup);
            })));

            long count = 0, errors = 0;
            string? firstError = null;
            var latencies = new List<double>[workers];
            var cpuBefore = CpuSeconds(GatewayPid);
            var stop = Stopwatch.StartNew();
            using var progress = new Timer(_ =>
            {
                var done = Interlocked.Read(ref count);
                Console.WriteLine($"  {stop.Elapsed.TotalSeconds,4:F0} s: {done:N0} calls, {Interlocked.Read(ref errors)} errors, {done / stop.Elapsed.TotalSeconds:F0}/s");
            }, null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
            await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
            {
                var mine = latencies[w] = new List<double>(1 << 16);
                long i = 0;
                while (stop.Elapsed < duration)
                {
                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        await call(w, i++);
                        mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                        Interlocked.Increment(ref count);
                    }
                    catch (Exception e)
                    {
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, e.Message, null);
                    }
                }
            })));
            var elapsed = stop.Elapsed;
            return new RunResult(count, errors, elapsed, latencies.SelectMany(l => l).ToList(), firstError)
            {
                GatewayCpuSeconds = CpuSeconds(GatewayPid) - cpuBefore,
            };
        }

        private static async Task Safe(Func<Task> call)
        {
            try
            {
                await call();
            }
            catch (Exception)
            {
                // Warm-up errors show up again in the measured run.
            }
        }

        public static double Percentile(List<double> sorted, double p) =>
            sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
