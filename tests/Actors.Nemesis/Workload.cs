using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Actors.Nemesis;

/// <summary>A user of the site the clients act as: name, bearer token, API secret.</summary>
public sealed record Member(string Name, string Token, string Secret);

/// <summary>An account the clients move money through, and the index of its owner in <see cref="Workload.Owners"/>.</summary>
public sealed record BankAccount(Guid Id, int Owner);

/// <summary>
/// The clients: over HTTP, against either gateway, they open accounts, pay in, take out, transfer (each transfer with
/// its own id, repeated with that id while its outcome is unknown), read balances and summaries, vote and comment.
/// Every call is one line of the history. Amounts of deposits and withdrawals are unique in the run, so the checker
/// finds each one in the event log.
/// </summary>
public sealed class Workload(NemesisCluster cluster, History history, int seed, TextWriter log)
{
    public const long InitialDeposit = 1_000_000;
    private const long DepositBase = 100_000;
    private const long WithdrawalBase = 1_000;
    private readonly HttpClient[] _http = [.. cluster.Gateways.Select(g => new HttpClient { BaseAddress = g.Address, Timeout = TimeSpan.FromSeconds(8) })];
    private readonly ConcurrentDictionary<string, byte> _votesTried = new();
    private long _unique;
    private long _transfers;

    public IReadOnlyList<Op> HistoryOps => history.Ops;

    public List<Member> Owners { get; } = [];

    public List<Member> Voters { get; } = [];

    public List<BankAccount> Accounts { get; } = [];

    public ConcurrentQueue<long> News { get; } = new();

    /// <summary>Set while the clients should finish: transfers in doubt are still repeated until they end.</summary>
    public CancellationTokenSource Stop { get; } = new();

    /// <summary>Set when even transfers in doubt give up (the run is over).</summary>
    public CancellationTokenSource HardStop { get; } = new();

    public async Task SetUpAsync(int owners = 4, int voters = 12, int accountsPerOwner = 3)
    {
        var setup = "setup";
        for (var i = 0; i < owners + voters; i++)
        {
            var name = $"n{seed % 10000}x{i}";
            var member = await UntilOkAsync(async () =>
            {
                var (op, body) = await SendAsync(setup, "register", 0, HttpMethod.Post, "/api/create_account", Form(("username", name), ("password", "nemesis-password")), null, null, lamer: true);
                return op.Outcome == Outcome.Ok ? new Member(name, body!.Value.GetProperty("auth").GetString()!, body.Value.GetProperty("apisecret").GetString()!) : null;
            }, $"register {name}");
            (i < owners ? Owners : Voters).Add(member!);
        }

        for (var o = 0; o < Owners.Count; o++)
        {
            var owner = Owners[o];
            // The first account is opened from the registration event: wait for it, then open the others.
            var first = await UntilOkAsync(async () =>
            {
                var (op, body) = await SendAsync(setup, "list", 0, HttpMethod.Get, "/api/accounts", null, owner, null);
                return op.Outcome == Outcome.Ok && body!.Value.GetArrayLength() > 0 ? (Guid?)body.Value[0].GetProperty("id").GetGuid() : null;
            }, $"first account of {owner.Name}");
            Accounts.Add(new BankAccount(first!.Value, o));
            for (var a = 1; a < accountsPerOwner; a++)
            {
                var opened = await UntilOkAsync(async () =>
                {
                    var (op, body) = await SendAsync(setup, "open", 0, HttpMethod.Post, "/api/accounts", Json(new { currency = "EUR" }), owner, null);
                    return op.Outcome == Outcome.Ok ? (Guid?)body!.Value.GetProperty("id").GetGuid() : null;
                }, $"open an account for {owner.Name}");
                Accounts.Add(new BankAccount(opened!.Value, o));
            }
        }

        foreach (var account in Accounts)
        {
            // A deposit is not idempotent: repeat only a refused one, never one in doubt (the checker counts those either way).
            await UntilOkAsync(async () => (await DepositAsync(setup, account, InitialDeposit)).Outcome == Outcome.Fail ? null : (object)true, "initial deposit");
        }

        foreach (var owner in Owners)
        {
            for (var n = 0; n < 2; n++)
            {
                await UntilOkAsync(async () => await SubmitAsync(setup, owner), "submit a news");
            }
        }

        log.WriteLine($"set up: {Owners.Count} owners, {Voters.Count} voters, {Accounts.Count} accounts, {News.Count} news");
    }

    public Task RunAsync(int clients) => Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync($"c{c}", new Random(seed * 1000 + c)))));

    private async Task ClientAsync(string process, Random random)
    {
        while (!Stop.IsCancellationRequested)
        {
            var roll = random.Next(100);
            var account = Accounts[random.Next(Accounts.Count)];
            try
            {
                if (roll < 30)
                {
                    await TransferAsync(process, random, account);
                }
                else if (roll < 40)
                {
                    await DepositAsync(process, account, DepositBase + Interlocked.Increment(ref _unique));
                }
                else if (roll < 50)
                {
                    await WithdrawAsync(process, account, WithdrawalBase + Interlocked.Increment(ref _unique));
                }
                else if (roll < 78)
                {
                    await ReadAsync(process, account);
                }
                else if (roll < 84)
                {
                    await SummaryAsync(process, random.Next(Owners.Count));
                }
                else if (roll < 93)
                {
                    await VoteAsync(process, random);
                }
                else
                {
                    await CommentAsync(process, random);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.WriteLine($"{process}: client error {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private async Task TransferAsync(string process, Random random, BankAccount from)
    {
        var to = Accounts[(Accounts.IndexOf(from) + 1 + random.Next(Accounts.Count - 1)) % Accounts.Count];
        // Now and then about what a whole balance holds: taken or refused, either is a fact about the balance to check.
        var amount = random.Next(20) == 0 ? 2 * InitialDeposit : 1 + random.Next(20_000);
        var id = $"t-{seed}-{Interlocked.Increment(ref _transfers)}";
        for (var attempt = 1; ; attempt++)
        {
            var (op, _) = await SendAsync(process, "transfer", attempt, HttpMethod.Post, "/api/transfers",
                Json(new { id, from = from.Id, to = to.Id, amount }), Owners[from.Owner], null,
                account: from.Id, to: to.Id, amount: amount, key: id);
            if (op.Outcome != Outcome.Info || HardStop.IsCancellationRequested)
            {
                return;
            }

            // Unknown: repeat with the same id (it moves the money at most once) until it is known.
            await Task.Delay(500 + random.Next(500), CancellationToken.None);
        }
    }

    private async Task<Op> DepositAsync(string process, BankAccount account, long amount) =>
        (await SendAsync(process, "deposit", 0, HttpMethod.Post, $"/api/accounts/{account.Id}/deposit", Json(new { amount }), Owners[account.Owner], null, account: account.Id, amount: amount)).Op;

    private async Task WithdrawAsync(string process, BankAccount account, long amount) =>
        await SendAsync(process, "withdraw", 0, HttpMethod.Post, $"/api/accounts/{account.Id}/withdraw", Json(new { amount }), Owners[account.Owner], null, account: account.Id, amount: amount);

    public async Task<Op> ReadAsync(string process, BankAccount account) =>
        (await SendAsync(process, "read", 0, HttpMethod.Get, $"/api/accounts/{account.Id}", null, Owners[account.Owner], null, account: account.Id)).Op;

    public async Task<Op> SummaryAsync(string process, int owner) =>
        (await SendAsync(process, "summary", 0, HttpMethod.Get, "/api/accounts/summary", null, Owners[owner], null, key: Owners[owner].Name)).Op;

    private async Task VoteAsync(string process, Random random)
    {
        var news = News.ToArray();
        var voter = Voters[random.Next(Voters.Count)];
        var candidates = news.Where(n => !_votesTried.ContainsKey($"{n}:{voter.Name}")).ToArray();
        if (candidates.Length < 2)
        {
            await SubmitAsync(process, Owners[random.Next(Owners.Count)]);
            return;
        }

        var target = candidates[random.Next(candidates.Length)];
        if (_votesTried.TryAdd($"{target}:{voter.Name}", 0))
        {
            await SendAsync(process, "vote", 0, HttpMethod.Post, "/api/votenews",
                Form(("news_id", target.ToString(CultureInfo.InvariantCulture)), ("vote_type", "up"), ("apisecret", voter.Secret)), voter, null,
                lamer: true, amount: target, key: voter.Name);
        }
    }

    private async Task CommentAsync(string process, Random random)
    {
        var news = News.ToArray();
        var target = news[random.Next(news.Length)];
        var author = Voters[random.Next(Voters.Count)];
        var text = $"nemesis comment {seed}-{Interlocked.Increment(ref _unique)}";
        await SendAsync(process, "comment", 0, HttpMethod.Post, "/api/postcomment",
            Form(("news_id", target.ToString(CultureInfo.InvariantCulture)), ("comment_id", "-1"), ("parent_id", "-1"), ("comment", text), ("apisecret", author.Secret)),
            author, null, lamer: true, amount: target, key: text);
    }

    private async Task<object?> SubmitAsync(string process, Member owner)
    {
        var n = Interlocked.Increment(ref _unique);
        var (op, body) = await SendAsync(process, "submit", 0, HttpMethod.Post, "/api/submit",
            Form(("title", $"Nemesis news {seed}-{n}"), ("url", $"https://example.com/nemesis/{seed}/{n}"), ("text", ""), ("news_id", "-1"), ("apisecret", owner.Secret)), owner, null,
            lamer: true, key: owner.Name);
        if (op.Outcome == Outcome.Ok)
        {
            News.Enqueue(body!.Value.GetProperty("news_id").GetInt64());
            return true;
        }

        return null;
    }

    /// <summary>One HTTP call as one history operation: ok (2xx, or a Lamernews "ok"), fail (a 4xx or an "err" answer: a definite refusal), info (anything else).</summary>
    public async Task<(Op Op, JsonElement? Body)> SendAsync(
        string process, string kind, int attempt, HttpMethod method, string path, HttpContent? content, Member? caller, int? gateway,
        bool lamer = false, Guid? account = null, Guid? to = null, long amount = 0, string? key = null)
    {
        var index = history.NextIndex();
        var http = _http[gateway ?? (int)(index % _http.Length)];
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (caller is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.Token);
        }

        var invoke = history.Now;
        Op op;
        JsonElement? body = null;
        try
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            body = text.Length > 0 && text[0] is '{' or '[' ? JsonDocument.Parse(text).RootElement.Clone() : null;
            var position = response.Headers.TryGetValues("X-Event-Position", out var values) && long.TryParse(values.First(), CultureInfo.InvariantCulture, out var p) ? p : (long?)null;
            var status = (int)response.StatusCode;
            var op0 = new Op(index, process, kind, invoke, history.Now, Outcome.Info, account, to, amount, key, Position: position, Attempt: attempt);
            op = status switch
            {
                >= 200 and < 300 when lamer => body?.GetProperty("status").GetString() == "ok"
                    ? op0 with { Outcome = Outcome.Ok, Value = LamerValue(kind, body.Value) }
                    : op0 with { Outcome = Outcome.Fail, Error = body?.TryGetProperty("error", out var error) == true ? error.GetString() : text },
                >= 200 and < 300 => Read(op0, kind, body),
                >= 400 and < 500 when status != (int)HttpStatusCode.RequestTimeout => op0 with { Outcome = Outcome.Fail, Error = Code(body) ?? $"http {status}" },
                _ => op0 with { Error = $"http {status}" },
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
        {
            op = new Op(index, process, kind, invoke, history.Now, Outcome.Info, account, to, amount, key,
                Error: e is TaskCanceledException ? "timeout" : $"connection: {e.Message}", Attempt: attempt);
        }

        history.Add(op);
        return (op, body);
    }

    private static Op Read(Op op, string kind, JsonElement? body)
    {
        if (body is not { } b || b.ValueKind != JsonValueKind.Object)
        {
            return op with { Outcome = Outcome.Ok, Lines = body is { ValueKind: JsonValueKind.Array } ? [] : null };
        }

        if (kind == "transfer")
        {
            var status = b.GetProperty("status").GetString();
            // Pending would be a transfer in doubt: repeated like an unknown outcome.
            return status == "pending"
                ? op with { Status = status, Error = "pending" }
                : op with { Outcome = Outcome.Ok, Status = status, Error = b.TryGetProperty("reason", out var reason) ? reason.GetString() : null };
        }

        if (kind == "summary")
        {
            var lines = b.GetProperty("accounts").EnumerateArray()
                .Select(l => new SummaryLine(l.GetProperty("id").GetGuid(), l.GetProperty("balance").GetInt64(), l.GetProperty("version").GetInt64()))
                .ToArray();
            var total = b.GetProperty("totals").EnumerateArray().Sum(t => t.GetProperty("balance").GetInt64());
            return op with { Outcome = Outcome.Ok, Lines = lines, Value = total };
        }

        return op with
        {
            Outcome = Outcome.Ok,
            Value = b.TryGetProperty("balance", out var balance) ? balance.GetInt64() : null,
            Version = b.TryGetProperty("version", out var version) ? version.GetInt64() : null,
        };
    }

    private static long? LamerValue(string kind, JsonElement body) => kind switch
    {
        "comment" => body.GetProperty("comment_id").GetInt64(),
        "submit" => body.GetProperty("news_id").GetInt64(),
        _ => null,
    };

    private static string? Code(JsonElement? body) =>
        body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("code", out var code) ? code.GetString() : null;

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    private static async Task<T> UntilOkAsync<T>(Func<Task<T>> attempt, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (await attempt() is { } done && done is not false)
            {
                return done;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Set-up step did not succeed in 90 s: {what}.");
            }

            await Task.Delay(200);
        }
    }
}
