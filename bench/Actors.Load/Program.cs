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
}
