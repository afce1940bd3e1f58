using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Actors.Load;

/// <summary>
/// Transfers between bank accounts over REST (<c>POST /api/transfers</c>), in a closed loop, then the invariant: every
/// transfer ended (completed or failed), no balance is negative, and the balances add up to the money deposited.
/// </summary>
internal static class Transfers
{
    private const long Deposit = 1_000_000;

    public static async Task<int> Run(HttpClient http, NewsApiClient api, LoadOptions o)
    {
        // Owners hold five accounts each; a transfer goes from a random account to another random one, so owners' activity
        // and the accounts' contention spread like a bank's. --users sets the number of owners.
        var accounts = await OpenAccounts(http, api, Math.Max(2, o.Users / 10));
        var run = Guid.NewGuid().ToString("N")[..8];
        long completed = 0, failed = 0;
        var pending = new System.Collections.Concurrent.ConcurrentBag<(string Id, string Token)>();
        var result = await Runner.ClosedLoop(o.Workers, o.Duration, async (worker, i) =>
        {
            var from = Random.Shared.Next(accounts.Count);
            var to = (from + 1 + Random.Shared.Next(accounts.Count - 1)) % accounts.Count;
            var id = string.Create(CultureInfo.InvariantCulture, $"l{run}-{worker}-{(i < 0 ? "w" : "")}{Math.Abs(i)}-{Random.Shared.Next()}");
            var answer = await Send(http, HttpMethod.Post, "/api/transfers", accounts[from].Token,
                new { id, from = accounts[from].Id, to = accounts[to].Id, amount = Random.Shared.Next(1, 1000) });
            switch (answer.GetProperty("status").GetString())
            {
                case "completed":
                    Interlocked.Increment(ref completed);
                    break;
                case "failed":
                    Interlocked.Increment(ref failed);
                    break;
                case "pending":
                    // Accepted and still moving (e.g. an account's log write had to be retried): checked at the end.
                    pending.Add((id, accounts[from].Token));
                    break;
                case var other:
                    throw new InvalidOperationException($"transfer {id} answered status {other}");
            }
        });
        result.Print("transfers", lamernews: null);
        Console.WriteLine($"  completed {completed:N0}, failed {failed:N0} (failed = refused by a rule, e.g. funds), pending when answered {pending.Count:N0}");

        // Every transfer must end: wait (bounded) for those answered as pending.
        var stillPending = 0;
        var deadline = Stopwatch.StartNew();
        foreach (var (id, token) in pending)
        {
            while ((await Send(http, HttpMethod.Get, $"/api/transfers/{id}", token, null)).GetProperty("status").GetString() == "pending")
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    stillPending++;
                    break;
                }

                await Task.Delay(20);
            }
        }

        // The invariant, read back through the API once the run has ended.
        long sum = 0;
        var negative = 0;
        foreach (var (id, token) in accounts)
        {
            var balance = (await Send(http, HttpMethod.Get, $"/api/accounts/{id}", token, null)).GetProperty("balance").GetInt64();
            sum += balance;
            negative += balance < 0 ? 1 : 0;
        }

        var expected = accounts.Count * Deposit;
        var held = sum == expected && negative == 0 && stillPending == 0;
        Console.WriteLine(
            $"invariant: balances sum {sum:N0} (deposited {expected:N0}), {negative} negative, {stillPending} still pending after 60 s: " +
            (held ? "held" : "BROKEN"));
        return result.Errors == 0 && held ? 0 : 1;
    }

    /// <summary><paramref name="owners"/> new users with five accounts each, every account opened with a deposit of <see cref="Deposit"/>.</summary>
    public static async Task<List<(string Id, string Token)>> OpenAccounts(HttpClient http, NewsApiClient api, int owners)
    {
        Console.WriteLine($"setup: {owners} owners with 5 accounts each...");
        var sw = Stopwatch.StartNew();
        var accounts = new List<(string Id, string Token)>();
        foreach (var owner in await Setup.Accounts(api, owners))
        {
            for (var a = 0; a < 5; a++)
            {
                var opened = await Send(http, HttpMethod.Post, "/api/accounts", owner.Auth, new { currency = "EUR" });
                var id = opened.GetProperty("id").GetString()!;
                await Send(http, HttpMethod.Post, $"/api/accounts/{id}/deposit", owner.Auth, new { amount = Deposit });
                accounts.Add((id, owner.Auth));
            }
        }

        Console.WriteLine($"setup done in {sw.Elapsed.TotalSeconds:F1} s");
        return accounts;
    }

    /// <summary>One call of the accounts API as JSON; anything but a success status throws, with the answer.</summary>
    public static async Task<JsonElement> Send(HttpClient http, HttpMethod method, string path, string token, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
        }

        return JsonDocument.Parse(bytes).RootElement.Clone();
    }
}
