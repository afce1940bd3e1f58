using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Actors.Accounts;
using Actors.EventSourcing;
using Actors.News;
using Actors.Postgres;
using Actors.Postgres.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Serialization;

namespace Actors.Nemesis;

/// <summary>The outcome of a run: where its files are, what it did, what the checkers found.</summary>
public sealed record RunReport(string RunDirectory, IReadOnlyList<FaultRecord> Faults, IReadOnlyDictionary<string, int> Operations, IReadOnlyList<CheckResult> Checks, string? PartitionUnavailable)
{
    public int Anomalies => Checks.Sum(c => c.Anomalies.Count);

    public string Summary =>
        $"run directory: {RunDirectory}\n" +
        $"faults: {Faults.Count} ({string.Join(", ", Faults.GroupBy(f => f.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))})" +
        (PartitionUnavailable is null ? "" : $"; partition not available here: {PartitionUnavailable}") + "\n" +
        $"operations: {Operations.Values.Sum()} ({string.Join(", ", Operations.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))})\n" +
        string.Join("\n", Checks) + "\n" +
        $"anomalies: {Anomalies}";
}

/// <summary>A whole nemesis run: cluster, clients, faults, quiet phase, final reads, checkers, report.</summary>
public static class NemesisRun
{
    /// <summary>How long after the cluster is whole again every transfer must have ended.</summary>
    public static readonly TimeSpan TransferBound = TimeSpan.FromSeconds(20);

    public static async Task<RunReport> RunAsync(NemesisOptions options, TextWriter console)
    {
        Directory.CreateDirectory(options.RunDirectory);
        using var logFile = new StreamWriter(Path.Combine(options.RunDirectory, "run.log")) { AutoFlush = true };
        var log = TextWriter.Synchronized(new TeeWriter(console, logFile));
        log.WriteLine($"nemesis: seed {options.Seed}, {options.Cycles} cycles of {string.Join(", ", options.Faults.Select(NemesisOptions.NameOf))}, {options.Clients} clients, run directory {options.RunDirectory}");
        using var history = new History(Path.Combine(options.RunDirectory, "history.jsonl"));
        await using var cluster = await NemesisCluster.StartAsync(options.RunDirectory, log);
        try
        {
            var workload = new Workload(cluster, history, options.Seed, log);
            await workload.SetUpAsync();
            var clients = workload.RunAsync(options.Clients);
            var nemesis = new Nemesis(cluster, options, history, log);
            await nemesis.RunAsync();
            log.WriteLine($"[{history.Now / 1000,7:0.0}s] quiet phase: {options.QuietPhase.TotalSeconds:0} s");
            var swept = await SweepTransfersAsync(workload, history, nemesis.LastHealed);
            var quietEnd = nemesis.LastHealed + options.QuietPhase.TotalMilliseconds;
            if (quietEnd > history.Now)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(quietEnd - history.Now));
            }

            await workload.Stop.CancelAsync();
            if (await Task.WhenAny(clients, Task.Delay(TimeSpan.FromSeconds(60))) != clients)
            {
                await workload.HardStop.CancelAsync();
                await clients;
            }

            history.Flush();
            log.WriteLine($"[{history.Now / 1000,7:0.0}s] clients stopped; reading the final state");
            var final = await FinalStateAsync(cluster, workload);
            var checks = Checkers.All(history.Ops, final, nemesis.LastHealed, TransferBound, swept).ToList();
            checks.Add(await ReadModelsAsync(cluster, workload, final));
            checks.Add(await TopListAsync(workload, final));
            var operations = history.Ops.GroupBy(o => $"{o.Kind} {o.Outcome.ToString().ToLowerInvariant()}").ToDictionary(g => g.Key, g => g.Count());
            var report = new RunReport(options.RunDirectory, nemesis.Faults, operations, checks, nemesis.PartitionUnavailable);
            await File.WriteAllTextAsync(Path.Combine(options.RunDirectory, "faults.jsonl"), string.Join('\n', nemesis.Faults.Select(f => JsonSerializer.Serialize(f, History.Json))) + "\n");
            await File.WriteAllTextAsync(Path.Combine(options.RunDirectory, "report.txt"), report.Summary + "\n");
            log.WriteLine(report.Summary);
            return report;
        }
        finally
        {
            cluster.SaveLogs();
        }
    }

    /// <summary>
    /// Right after the last fault: every transfer requested so far is looked up until its status is final, at most
    /// <see cref="TransferBound"/>; answers when each was seen final.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, double>> SweepTransfersAsync(Workload workload, History history, double healed)
    {
        var seen = new Dictionary<string, double>();
        var transfers = history.Ops.Where(o => o.Kind == "transfer").GroupBy(o => o.Key!).Select(g => g.First()).ToArray();
        var deadline = healed + TransferBound.TotalMilliseconds;
        while (history.Now < deadline)
        {
            var open = transfers.Where(t => !seen.ContainsKey(t.Key!)).ToArray();
            if (open.Length == 0)
            {
                break;
            }

            foreach (var chunk in open.Chunk(8))
            {
                await Task.WhenAll(chunk.Select(async t =>
                {
                    var owner = workload.Owners[workload.Accounts.First(a => a.Id == t.Account).Owner];
                    var (op, body) = await workload.SendAsync("sweep", "transfer-status", 0, HttpMethod.Get, $"/api/transfers/{t.Key}", null, owner, null, key: t.Key);
                    var status = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("status", out var s) ? s.GetString() : null;
                    if (op.Outcome == Outcome.Ok && status is "completed" or "failed")
                    {
                        lock (seen)
                        {
                            seen[t.Key!] = op.Complete;
                        }
                    }
                }));
            }

            await Task.Delay(250);
        }

        return seen;
    }

    private static async Task<FinalState> FinalStateAsync(NemesisCluster cluster, Workload workload)
    {
        var events = await ReadLogAsync(cluster.ConnectionString);
        var balances = new Dictionary<Guid, long>();
        foreach (var account in workload.Accounts)
        {
            var op = await UntilOkAsync(() => workload.ReadAsync("final", account));
            balances[account.Id] = op.Value!.Value;
        }

        var news = await AllNewsAsync(workload);
        var comments = new Dictionary<long, IReadOnlyList<(long, string)>>();
        foreach (var id in news.Keys)
        {
            var (op, body) = await UntilOkAsync(() => workload.SendAsync("final", "comments", 0, HttpMethod.Get, $"/api/getcomments/{id}", null, null, null, lamer: true));
            comments[id] = [.. Flatten(body!.Value.GetProperty("comments"))];
        }

        var statuses = new Dictionary<string, string>();
        foreach (var transfer in LogicalTransfer.Of(workload.HistoryOps))
        {
            var owner = workload.Owners[workload.Accounts.First(a => a.Id == transfer.From).Owner];
            var (op, body) = await UntilOkAsync(() => workload.SendAsync("final", "transfer-status", 0, HttpMethod.Get, $"/api/transfers/{transfer.Id}", null, owner, null, key: transfer.Id), allowFail: true);
            statuses[transfer.Id] = op.Outcome == Outcome.Ok ? body!.Value.GetProperty("status").GetString()! : "absent";
        }

        return new FinalState(events, balances, news.ToDictionary(n => n.Key, n => n.Value.Up), comments, statuses);
    }

    private static IEnumerable<(long, string)> Flatten(JsonElement comments)
    {
        foreach (var c in comments.EnumerateArray())
        {
            if (c.TryGetProperty("body", out var body))
            {
                yield return (c.TryGetProperty("id", out var id) ? id.GetInt64() : -1, body.GetString()!);
            }

            if (c.TryGetProperty("replies", out var replies))
            {
                foreach (var r in Flatten(replies))
                {
                    yield return r;
                }
            }
        }
    }

    /// <summary>Every news of the site (the latest list, page by page): up, down, creation time.</summary>
    private static async Task<Dictionary<long, (int Up, int Down, long CreatedAt)>> AllNewsAsync(Workload workload)
    {
        var all = new Dictionary<long, (int, int, long)>();
        for (var start = 0; ; start += 32)
        {
            var (_, body) = await UntilOkAsync(() => workload.SendAsync("final", "getnews", 0, HttpMethod.Get, $"/api/getnews/latest/{start}/32", null, null, null, lamer: true));
            var page = body!.Value.GetProperty("news");
            foreach (var n in page.EnumerateArray())
            {
                all[n.GetProperty("id").GetInt64()] = (n.GetProperty("up").GetInt32(), n.GetProperty("down").GetInt32(), n.GetProperty("ctime").GetInt64());
            }

            if (page.GetArrayLength() < 32)
            {
                return all;
            }
        }
    }

    /// <summary>The whole event log, read straight from PostgreSQL with the project's own reader.</summary>
    public static async Task<IReadOnlyList<RecordedEvent>> ReadLogAsync(string connectionString)
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var eventLog = new PostgresEventLog(dataSource, serializer, new PostgresEventLogOptions(), NullLogger<PostgresEventLog>.Instance);
        var events = new List<RecordedEvent>();
        while (true)
        {
            var page = await eventLog.ReadAllAsync(events.Count == 0 ? 0 : events[^1].Position, 5000);
            if (page.Count == 0)
            {
                return events;
            }

            events.AddRange(page);
        }
    }

    /// <summary>
    /// The accounts read models (statements, owner summaries) equal a replay of the log from position 0 computed
    /// here; then an operator's rebuild (every delivery queue back to 0) runs, and they must still equal it: the
    /// consumers take every event again and must not count it twice.
    /// </summary>
    private static async Task<CheckResult> ReadModelsAsync(NemesisCluster cluster, Workload workload, FinalState final)
    {
        var (statements, owners) = AccountReadModels.Rebuild([.. final.Log.Where(e => e.Category == "accounts")]);
        var result = new CheckResult("read models = rebuild from position 0", $"{workload.Accounts.Count} statements and {workload.Owners.Count} owner summaries against a replay of the log, before and after /admin/delivery/rebuild");
        var before = await UntilEqualAsync(workload, statements, owners, TimeSpan.FromSeconds(60));
        result.Anomalies.AddRange(before.Select(d => "before the rebuild: " + d));

        using var admin = new HttpClient { BaseAddress = cluster.Gateways[0].Address, Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Add("X-Admin-Token", NemesisCluster.AdminToken);
        var head = final.Log.Count == 0 ? 0 : final.Log[^1].Position;
        var response = await admin.PostAsync(new Uri("/admin/delivery/rebuild", UriKind.Relative), null);
        if (!response.IsSuccessStatusCode)
        {
            result.Anomalies.Add($"POST /admin/delivery/rebuild answered {(int)response.StatusCode}");
            return result;
        }

        // The rewind is taken (rewind_to cleared) and every queue is back near the head it had.
        var caughtUp = await UntilRewoundAsync(cluster.ConnectionString, head, TimeSpan.FromSeconds(90));
        if (caughtUp is not null)
        {
            result.Notes.Add(caughtUp);
        }

        var after = await UntilEqualAsync(workload, statements, owners, TimeSpan.FromSeconds(60));
        result.Anomalies.AddRange(after.Select(d => "after the rebuild: " + d));
        return result;
    }

    private static async Task<string?> UntilRewoundAsync(string connectionString, long head, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var names = Enumerable.Range(0, EventStreams.Partitions).Select(p => DeliveryCheckpoints.QueueName(EventStreams.ProviderName, p)).ToArray();
        while (DateTime.UtcNow < deadline)
        {
            await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FILTER (WHERE rewind_to IS NULL AND position >= $2 - 1000) FROM actors_checkpoints WHERE name = ANY($1)", connection);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = head });
            if ((long)(await command.ExecuteScalarAsync())! == names.Length)
            {
                return null;
            }

            await Task.Delay(250);
        }

        return $"delivery queues not all back at the head {head} within {timeout.TotalSeconds:0} s";
    }

    private static async Task<List<string>> UntilEqualAsync(Workload workload, IReadOnlyDictionary<Guid, StatementState> statements, IReadOnlyDictionary<long, OwnerAccountsSummary> owners, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var differences = new List<string>();
            foreach (var account in workload.Accounts)
            {
                var (op, body) = await workload.SendAsync("final", "statement", 0, HttpMethod.Get, $"/api/accounts/{account.Id}/statement", null, workload.Owners[account.Owner], null, account: account.Id);
                var expected = statements.GetValueOrDefault(account.Id)?.ToStatement();
                if (op.Outcome != Outcome.Ok || expected is null)
                {
                    differences.Add($"statement of {account.Id}: {op.Outcome} {op.Error}, replay has {(expected is null ? "none" : "one")}");
                    continue;
                }

                var b = body!.Value;
                var entries = b.GetProperty("entries").EnumerateArray().Select(e => (e.GetProperty("version").GetInt64(), e.GetProperty("kind").GetString(), e.GetProperty("amount").GetInt64(), e.GetProperty("balance").GetInt64())).ToArray();
                var want = expected.Entries.Select(e => (e.Version, (string?)e.Kind, e.Amount, e.Balance)).ToArray();
                if (b.GetProperty("balance").GetInt64() != expected.Balance || b.GetProperty("version").GetInt64() != expected.Version || !entries.SequenceEqual(want))
                {
                    differences.Add($"statement of {account.Id}: balance {b.GetProperty("balance")} version {b.GetProperty("version")} {entries.Length} entries; replay: balance {expected.Balance} version {expected.Version} {want.Length} entries");
                }
            }

            for (var o = 0; o < workload.Owners.Count; o++)
            {
                var op = await workload.SummaryAsync("final", o);
                var ownerAccounts = workload.Accounts.Where(a => a.Owner == o).Select(a => a.Id).ToHashSet();
                var expected = owners.Values.FirstOrDefault(s => s.Accounts.Any(l => ownerAccounts.Contains(l.Id)));
                var got = op.Lines?.OrderBy(l => l.Account).Select(l => (l.Account, l.Balance, l.Version)).ToArray() ?? [];
                var want = expected?.Accounts.OrderBy(l => l.Id).Select(l => (l.Id, l.Balance, l.Version)).ToArray() ?? [];
                if (op.Outcome != Outcome.Ok || !got.SequenceEqual(want) || op.Value != expected?.Totals.Sum(t => t.Balance))
                {
                    differences.Add($"summary of {workload.Owners[o].Name}: total {op.Value}, lines {string.Join(" ", got.Select(l => $"{l.Balance}@{l.Version}"))}; " +
                        $"replay: total {expected?.Totals.Sum(t => t.Balance)}, lines {string.Join(" ", want.Select(l => $"{l.Balance}@{l.Version}"))}");
                }
            }

            if (differences.Count == 0 || DateTime.UtcNow > deadline)
            {
                return differences;
            }

            await Task.Delay(500);
        }
    }

    /// <summary>The top list against a full recomputation: every news ranked afresh from the log's votes at the second of the read.</summary>
    private static async Task<CheckResult> TopListAsync(Workload workload, FinalState final)
    {
        var up = final.Log.Select(e => e.Data).OfType<NewsUpvoted>().GroupBy(v => v.NewsId).ToDictionary(g => g.Key, g => g.Count());
        var down = final.Log.Select(e => e.Data).OfType<NewsDownvoted>().GroupBy(v => v.NewsId).ToDictionary(g => g.Key, g => g.Count());
        var created = final.Log.Select(e => e.Data).OfType<NewsSubmitted>().ToDictionary(n => n.NewsId, n => n.At);
        var options = new NewsOptions();
        var result = new CheckResult("top list = full recomputation", $"{created.Count} news ranked afresh from the log");
        for (var attempt = 0; ; attempt++)
        {
            var second = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var (op, body) = await UntilOkAsync(() => workload.SendAsync("final", "top", 0, HttpMethod.Get, "/api/getnews/top/0/32", null, null, null, lamer: true));
            if (DateTimeOffset.UtcNow.ToUnixTimeSeconds() != second && attempt < 10)
            {
                continue; // the read straddled a second: the ranks moved under it
            }

            var now = DateTimeOffset.FromUnixTimeSeconds(second);
            var rank = created.ToDictionary(n => n.Key, n => NewsRanking.Rank(NewsRanking.Score(up.GetValueOrDefault(n.Key), down.GetValueOrDefault(n.Key), options), NewsRanking.AgeSeconds(n.Value, now), options));
            var top = body!.Value.GetProperty("news").EnumerateArray().Select(n => n.GetProperty("id").GetInt64()).ToArray();
            var expected = rank.OrderByDescending(r => r.Value).Take(Math.Min(32, rank.Count)).ToArray();
            if (top.Length != expected.Length)
            {
                result.Anomalies.Add($"op #{op.Index}: top list has {top.Length} news, {expected.Length} expected");
            }

            for (var i = 0; i < top.Length; i++)
            {
                if (!rank.TryGetValue(top[i], out var r) || Math.Abs(r - expected[Math.Min(i, expected.Length - 1)].Value) > 1e-9 * Math.Max(1, Math.Abs(r)))
                {
                    result.Anomalies.Add($"op #{op.Index}: place {i + 1} is news {top[i]} (rank {r:0.######}), a full recomputation puts news {expected[i].Key} there (rank {expected[i].Value:0.######})");
                }
            }

            return result;
        }
    }

    private static async Task<T> UntilOkAsync<T>(Func<Task<T>> attempt, bool allowFail = false)
    {
        for (var i = 0; ; i++)
        {
            var value = await attempt();
            var op = value switch
            {
                Op o => o,
                ValueTuple<Op, JsonElement?> t => t.Item1,
                _ => throw new InvalidOperationException(),
            };
            if (op.Outcome == Outcome.Ok || (allowFail && op.Outcome == Outcome.Fail) || i >= 60)
            {
                return value;
            }

            await Task.Delay(500);
        }
    }

    /// <summary>Writes to the console and the run's log file.</summary>
    private sealed class TeeWriter(TextWriter first, TextWriter second) : TextWriter
    {
        public override System.Text.Encoding Encoding => first.Encoding;

        public override void Write(char value)
        {
            first.Write(value);
            second.Write(value);
        }

        public override void WriteLine(string? value)
        {
            first.WriteLine(value);
            second.WriteLine(value);
        }
    }
}
