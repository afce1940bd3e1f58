using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Actors.Load;

/// <summary>
/// <c>ws-fanout</c>: up-votes on front-page news in a closed loop: a warm-up, then with no WebSocket subscribers, with
/// <c>--subscribers</c> sockets following <c>news.top</c>, and without them again. Reports the vote throughput (and, with
/// <c>--gateway-pid</c>, the gateway's CPU per vote) of the phases and, with
/// subscribers, the delay from an acknowledged vote (its <c>X-Event-Position</c>) to the first <c>news.top</c> push at
/// or past that position at each subscriber (every 10th vote, 100 of the subscribers sampled).
/// </summary>
internal static class WsFanout
{
    private const int SampledSubscribers = 100;

    public static async Task<int> Run(NewsApiClient api, HttpClient http, LoadOptions o)
    {
        var newsCount = Math.Min(30, o.News);
        var authors = await Setup.Accounts(api, Math.Max(1, newsCount / 3));
        var news = await Setup.News(api, authors, newsCount);
        Console.WriteLine($"setup: {news.Length} front-page news");

        // A first phase only warms the gateway up (tiered JIT, pools, grain activations): the phase measured first would
        // otherwise run on colder code than the one after it and flatter the comparison.
        var warmUp = await VotePhase(api, http, o with { Duration = TimeSpan.FromSeconds(Math.Min(5, o.Duration.TotalSeconds)), Users = Math.Max(1, o.Users / 3) }, news, null);
        Console.WriteLine($"warm-up: {warmUp.Result.Count:N0} votes (not counted)");
        var baseline = await VotePhase(api, http, o, news, null);
        baseline.Result.Print("up-votes, no subscribers", lamernews: 700);

        var subscribers = new List<Subscriber>();
        var wsUrl = new Uri(o.Url.Replace("http", "ws", StringComparison.Ordinal).TrimEnd('/') + "/ws");
        for (var i = 0; i < o.Subscribers; i += 50)
        {
            var batch = await Task.WhenAll(Enumerable.Range(i, Math.Min(50, o.Subscribers - i)).Select(n => Subscriber.Connect(wsUrl, n < SampledSubscribers)));
            subscribers.AddRange(batch);
        }

        Console.WriteLine($"{subscribers.Count} subscribers on news.top");
        var loaded = await VotePhase(api, http, o, news, subscribers);
        loaded.Result.Print($"up-votes, {subscribers.Count} subscribers", lamernews: 700);
        await Task.Delay(1000);

        var delays = new List<double>();
        var missing = 0L;
        foreach (var (position, acknowledged) in loaded.Acks)
        {
            foreach (var s in subscribers.Where(s => s.Sampled))
            {
                if (s.FirstAtOrAfter(position) is { } received)
                {
                    delays.Add(Stopwatch.GetElapsedTime(acknowledged, received).TotalMilliseconds);
                }
                else
                {
                    missing++;
                }
            }
        }

        delays.Sort();
        var pushes = subscribers.Sum(s => s.Pushes);
        var overflows = subscribers.Sum(s => s.Overflows);
        var closed = subscribers.Count(s => s.Closed);
        Console.WriteLine(
            $"ack -> push at subscriber: {delays.Count:N0} samples, p50 {Runner.Percentile(delays, 0.50):F1} ms, p99 {Runner.Percentile(delays, 0.99):F1} ms, " +
            $"max {(delays.Count > 0 ? delays[^1] : double.NaN):F1} ms; {missing:N0} never seen");
        Console.WriteLine(
            $"pushes received: {pushes:N0} ({pushes / loaded.Result.Elapsed.TotalSeconds / Math.Max(1, subscribers.Count):F1}/s per subscriber), " +
            $"overflow notices {overflows}, sockets closed by the server {closed}");
        foreach (var s in subscribers)
        {
            await s.DisposeAsync();
        }

        // The phases without subscribers bracket the one with them, so a machine whose load drifts (shared cores) biases
        // neither side; their mean is the reference.
        var after = await VotePhase(api, http, o, news, null);
        after.Result.Print("up-votes, no subscribers (again)", lamernews: 700);
        var baseRate = (Rate(baseline.Result) + Rate(after.Result)) / 2;
        var loadedRate = Rate(loaded.Result);
        Console.WriteLine($"vote throughput with subscribers: {loadedRate:F0}/s vs {baseRate:F0}/s without ({(1 - (loadedRate / baseRate)) * 100:F1}% lost)");
        if (CpuPerVote(baseline.Result) is { } cpu1 && CpuPerVote(after.Result) is { } cpu2 && CpuPerVote(loaded.Result) is { } cpuLoaded)
        {
            // Gateway CPU per vote: what a gateway with a core of its own would lose, whatever else the machine runs.
            var cpuBase = (cpu1 + cpu2) / 2;
            Console.WriteLine(
                $"gateway CPU per vote: {cpuLoaded:F0} us with subscribers vs {cpuBase:F0} us without " +
                $"(=> {(1 - (cpuBase / cpuLoaded)) * 100:F1}% of a CPU-bound gateway's vote throughput lost)");
        }

        return baseline.Result.Errors + loaded.Result.Errors + after.Result.Errors == 0 ? 0 : 1;
    }

    private static double Rate(RunResult r) => r.Count / r.Elapsed.TotalSeconds;

    private static double? CpuPerVote(RunResult r) => r.GatewayCpuSeconds is { } cpu && r.Count > 0 ? cpu * 1e6 / r.Count : null;

    private static async Task<(RunResult Result, List<(long Position, long Acknowledged)> Acks)> VotePhase(
        NewsApiClient api, HttpClient http, LoadOptions o, long[] news, List<Subscriber>? subscribers)
    {
        var voters = await Setup.Accounts(api, o.Users);
        long total = (long)voters.Length * news.Length;
        long next = -1;
        var stride = Setup.CoprimeStride(total);
        var acks = new List<(long, long)>();
        var result = await Runner.ClosedLoop(o.Workers, o.Duration, async (_, i) =>
        {
            var k = Interlocked.Increment(ref next);
            if (k >= total)
            {
                throw new InvalidOperationException("Out of distinct pairs: raise --users.");
            }

            var pair = k * stride % total;
            var voter = voters[pair / news.Length];
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/votenews")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["apisecret"] = voter.Secret,
                    ["news_id"] = news[pair % news.Length].ToString(CultureInfo.InvariantCulture),
                    ["vote_type"] = "up",
                }),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", voter.Auth);
            using var response = await http.SendAsync(request);
            var acknowledged = Stopwatch.GetTimestamp();
            var body = await response.Content.ReadAsStringAsync();
            if (!body.Contains("\"ok\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(body);
            }

            if (subscribers is not null && i >= 0 && k % 10 == 0
                && response.Headers.TryGetValues("X-Event-Position", out var values)
                && long.TryParse(values.First(), CultureInfo.InvariantCulture, out var position))
            {
                lock (acks)
                {
                    acks.Add((position, acknowledged));
                }
            }
        });
        return (result, acks);
    }

    /// <summary>One socket on news.top. Reads every push; keeps (position, time) only when sampled. Parses nothing but the position.</summary>
    private sealed class Subscriber : IAsyncDisposable
    {
        private static readonly byte[] PositionKey = Encoding.UTF8.GetBytes("\"position\":");
        private readonly ClientWebSocket _socket = new();
        private readonly List<(long Position, long At)> _received = [];
        private Task _loop = Task.CompletedTask;

        public bool Sampled { get; private init; }

        public long Pushes { get; private set; }

        public int Overflows { get; private set; }

        public bool Closed { get; private set; }

        public static async Task<Subscriber> Connect(Uri url, bool sampled)
        {
            var s = new Subscriber { Sampled = sampled };
            await s._socket.ConnectAsync(url, CancellationToken.None);
            await s._socket.SendAsync(Encoding.UTF8.GetBytes("""{"event":"subscribe","data":{"channel":"news.top"},"id":1}"""), WebSocketMessageType.Text, true, CancellationToken.None);
            s._loop = Task.Run(s.ReceiveLoop);
            return s;
        }

        public long? FirstAtOrAfter(long position)
        {
            lock (_received)
            {
                foreach (var (p, at) in _received)
                {
                    if (p >= position)
                    {
                        return at;
                    }
                }
            }

            return null;
        }

        private async Task ReceiveLoop()
        {
            var buffer = new byte[1 << 16];
            try
            {
                while (true)
                {
                    var count = 0;
                    ValueWebSocketReceiveResult r;
                    do
                    {
                        r = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                        if (r.MessageType == WebSocketMessageType.Close)
                        {
                            Closed = true;
                            return;
                        }

                        count += r.Count;
                        if (count == buffer.Length)
                        {
                            Array.Resize(ref buffer, buffer.Length * 2);
                        }
                    }
                    while (!r.EndOfMessage);

                    var now = Stopwatch.GetTimestamp();
                    var span = buffer.AsSpan(0, count);
                    if (span.IndexOf("\"overflow\""u8) >= 0)
                    {
                        Overflows++;
                        continue;
                    }

                    var at = span.LastIndexOf(PositionKey);
                    if (at < 0 || span.IndexOf("\"news.top-changed\""u8) < 0)
                    {
                        continue;
                    }

                    Pushes++;
                    if (Sampled)
                    {
                        var digits = span[(at + PositionKey.Length)..];
                        var end = digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
                        var position = long.Parse(Encoding.ASCII.GetString(end < 0 ? digits : digits[..end]), CultureInfo.InvariantCulture);
                        lock (_received)
                        {
                            _received.Add((position, now));
                        }
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                Closed = true;
            }
        }

        public async ValueTask DisposeAsync()
        {
            _socket.Abort();
            await _loop;
            _socket.Dispose();
        }
    }
}
