using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Actors.Accounts;
using Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Transfers per second, with the accounts invariant checked after every run.
//   grains mode: a co-hosted in-memory silo in this process, transfers started directly on transfer grains.
//   http mode:   a running gateway (start it with News__UserCreationDelaySeconds=0), transfers via POST /api/transfers.
// Usage: grains|http [--url http://127.0.0.1:5099] [--transfers 20000] [--concurrency 64] [--runs 5] [--owners 20] [--accounts-per-owner 5]
var mode = args.FirstOrDefault() ?? "grains";
var options = Options.Parse(args.Skip(1).ToArray());
Console.WriteLine($"mode={mode} transfers={options.Transfers} concurrency={options.Concurrency} runs={options.Runs} " +
                  $"accounts={options.Owners}x{options.AccountsPerOwner} cores={Environment.ProcessorCount}");

IBench bench = mode switch
{
    "grains" => await GrainBench.StartAsync(),
    "http" => new HttpBench(new Uri(options.Url)),
    _ => throw new ArgumentException("mode is 'grains' or 'http'"),
};

await bench.RunAsync(options with { Transfers = Math.Max(1, options.Transfers / 5), Runs = 1 }, "warm-up");
var rates = new List<double>();
for (var run = 1; run <= options.Runs; run++)
{
    rates.Add(await bench.RunAsync(options, $"run {run}"));
}

rates.Sort();
Console.WriteLine($"median: {rates[rates.Count / 2]:F0} transfers/s (runs: {string.Join(", ", rates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))})");
await bench.DisposeAsync();

internal sealed record Options(string Url, int Transfers, int Concurrency, int Runs, int Owners, int AccountsPerOwner)
{
    public const long InitialDeposit = 1_000_000_000;

    public static Options Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        return new Options(Get("--url", "http://127.0.0.1:5099"), int.Parse(Get("--transfers", "20000"), CultureInfo.InvariantCulture),
            int.Parse(Get("--concurrency", "64"), CultureInfo.InvariantCulture), int.Parse(Get("--runs", "5"), CultureInfo.InvariantCulture),
            int.Parse(Get("--owners", "20"), CultureInfo.InvariantCulture), int.Parse(Get("--accounts-per-owner", "5"), CultureInfo.InvariantCulture));
    }
}

internal interface IBench : IAsyncDisposable
{
    /// <summary>Sets up fresh accounts, runs the transfers, checks the invariant; returns transfers per second.</summary>
    Task<double> RunAsync(Options options, string label);
}

internal static class Runner
{
    /// <summary>Runs <paramref name="count"/> transfers with <paramref name="concurrency"/> workers; returns elapsed time and statuses.</summary>
    public static async Task<(TimeSpan Elapsed, Dictionary<string, int> Statuses)> RunAsync(int count, int concurrency, Func<int, Task<string>> transfer)
    {
        var next = -1;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var status = await transfer(i);
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            }
        })));
        return (clock.Elapsed, new Dictionary<string, int>(statuses));
    }

    public static void Report(string label, int count, TimeSpan elapsed, Dictionary<string, int> statuses, TimeSpan catchUp, bool invariant)
    {
        var rate = count / elapsed.TotalSeconds;
        Console.WriteLine($"{label}: {count} transfers in {elapsed.TotalSeconds:F2}s = {rate:F0}/s; " +
                          $"statuses {string.Join(", ", statuses.Select(s => $"{s.Key}={s.Value}"))}; read models caught up {catchUp.TotalMilliseconds:F0} ms later; " +
                          $"invariant {(invariant ? "holds" : "BROKEN")}");
        if (!invariant)
        {
            Environment.ExitCode = 1;
        }
    }
}

internal sealed class GrainBench(IHost host) : IBench
{
    private IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<GrainBench> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort());
            silo.AddActors();
        });
        var host = builder.Build();
        await host.StartAsync();
        return new GrainBench(host);
    }

    public async Task<double> RunAsync(Options options, string label)
    {
        var random = new Random(42);
        var accounts = new List<(Guid Id, long Owner)>();
        var ownerBase = Random.Shared.NextInt64(1_000_000_000, 2_000_000_000) * 1000;
        for (var o = 0; o < options.Owners; o++)
        {
            for (var a = 0; a < options.AccountsPerOwner; a++)
            {
                var id = Guid.NewGuid();
                var account = Grains.GetGrain<IAccountGrain>(id);
                await account.Open(ownerBase + o, "EUR");
                await account.Deposit(ownerBase + o, Options.InitialDeposit);
                accounts.Add((id, ownerBase + o));
            }
        }

        var plan = Enumerable.Range(0, options.Transfers).Select(_ =>
        {
            var from = random.Next(accounts.Count);
            var to = (from + 1 + random.Next(accounts.Count - 1)) % accounts.Count;
            return (From: accounts[from], To: accounts[to].Id, Amount: (long)random.Next(1, 1000));
        }).ToArray();
        var run = Guid.NewGuid().ToString("N")[..8];

        var (elapsed, statuses) = await Runner.RunAsync(plan.Length, options.Concurrency, async i =>
        {
            var p = plan[i];
            var reply = await Grains.GetGrain<ITransferGrain>($"b{run}-{i}").Start(p.From.Id, p.To, p.Amount, p.From.Owner);
            return reply.View?.Status ?? reply.Rejection!.Code;
        });

        // Invariant: money conserved, nothing negative, nothing pending, read models equal a rebuild.
        var catchUp = Stopwatch.StartNew();
        var views = await Task.WhenAll(accounts.Select(a => Grains.GetGrain<IAccountGrain>(a.Id).GetView()));
        var conserved = views.Sum(v => v!.Balance) == accounts.Count * Options.InitialDeposit && views.All(v => v!.Balance >= 0);
        foreach (var (view, account) in views.Zip(accounts))
        {
            var statement = Grains.GetGrain<IAccountStatementGrain>(account.Id);
            while ((await statement.GetStatement())?.Version != view!.Version)
            {
                await Task.Delay(5);
            }
        }

        catchUp.Stop();
        var rebuild = await Grains.GetGrain<IAccountReadModelsRebuilder>(0).RebuildFromLog();
        var rebuilt = rebuild.Statements.ToDictionary(s => s.AccountId);
        var equal = true;
        foreach (var account in accounts)
        {
            var live = await Grains.GetGrain<IAccountStatementGrain>(account.Id).GetStatement();
            equal &= JsonSerializer.Serialize(live) == JsonSerializer.Serialize(rebuilt[account.Id]);
        }

        foreach (var owner in accounts.Select(a => a.Owner).Distinct())
        {
            var live = await Grains.GetGrain<IOwnerAccountsGrain>(owner).GetSummary();
            equal &= JsonSerializer.Serialize(live) == JsonSerializer.Serialize(rebuild.Owners.Single(o => o.Owner == owner));
        }

        var invariant = conserved && equal && !statuses.ContainsKey("pending");
        Runner.Report(label, plan.Length, elapsed, statuses, catchUp.Elapsed, invariant);
        return plan.Length / elapsed.TotalSeconds;
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed class HttpBench(Uri gateway) : IBench
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = gateway,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task<double> RunAsync(Options options, string label)
    {
        var random = new Random(42);
        var accounts = new List<(string Id, string Token)>();
        for (var o = 0; o < options.Owners; o++)
        {
            var name = $"b{Guid.NewGuid():N}"[..16];
            var created = await _http.PostAsync("/api/create_account",
                new FormUrlEncodedContent([KeyValuePair.Create("username", name), KeyValuePair.Create("password", "bench-password")]));
            var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
            var token = body.TryGetProperty("auth", out var auth) ? auth.GetString()! : throw new InvalidOperationException($"create_account: {body}");
            for (var a = 0; a < options.AccountsPerOwner; a++)
            {
                var opened = await Send(HttpMethod.Post, "/api/accounts", token, new { currency = "EUR" });
                var id = opened.GetProperty("id").GetString()!;
                await Send(HttpMethod.Post, $"/api/accounts/{id}/deposit", token, new { amount = Options.InitialDeposit });
                accounts.Add((id, token));
            }
        }

        var plan = Enumerable.Range(0, options.Transfers).Select(_ =>
        {
            var from = random.Next(accounts.Count);
            var to = (from + 1 + random.Next(accounts.Count - 1)) % accounts.Count;
            return (From: accounts[from], To: accounts[to].Id, Amount: random.Next(1, 1000));
        }).ToArray();
        var run = Guid.NewGuid().ToString("N")[..8];

        var (elapsed, statuses) = await Runner.RunAsync(plan.Length, options.Concurrency, async i =>
        {
            var p = plan[i];
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/transfers")
            {
                Content = JsonContent.Create(new { id = $"h{run}-{i}", from = p.From.Id, to = p.To, amount = p.Amount }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", p.From.Token);
            using var response = await _http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                return $"http-{(int)response.StatusCode}";
            }

            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString()!;
        });

        // Invariant over HTTP: money conserved, nothing negative, each statement ends at the account's balance.
        var catchUp = Stopwatch.StartNew();
        long sum = 0;
        var consistent = true;
        foreach (var (id, token) in accounts)
        {
            var view = await Send(HttpMethod.Get, $"/api/accounts/{id}", token);
            var balance = view.GetProperty("balance").GetInt64();
            sum += balance;
            consistent &= balance >= 0;
            while (true)
            {
                var statement = await Send(HttpMethod.Get, $"/api/accounts/{id}/statement", token);
                if (statement.GetProperty("version").GetInt64() == view.GetProperty("version").GetInt64())
                {
                    consistent &= statement.GetProperty("balance").GetInt64() == balance;
                    break;
                }

                await Task.Delay(5);
            }
        }

        catchUp.Stop();
        var invariant = consistent && sum == accounts.Count * Options.InitialDeposit && statuses.Keys.All(s => s is "completed" or "failed");
        Runner.Report(label, plan.Length, elapsed, statuses, catchUp.Elapsed, invariant);
        return plan.Length / elapsed.TotalSeconds;
    }

    private async Task<JsonElement> Send(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
