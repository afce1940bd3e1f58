using Actors.Accounts;
using Actors.EventSourcing;
using Actors.News;
using Actors.Users;

namespace Actors.Nemesis;

/// <summary>What one checker looked at, and every anomaly it found (with the operations involved).</summary>
public sealed class CheckResult(string name, string what)
{
    public string Name { get; } = name;
    public string What { get; set; } = what;
    public List<string> Anomalies { get; } = [];
    public List<string> Notes { get; } = [];

    /// <summary>Part of the check could not be finished (a search past its budget): neither a pass nor an anomaly.</summary>
    public bool Undecided { get; set; }

    public override string ToString() =>
        $"{(Anomalies.Count > 0 ? "FAIL" : Undecided ? "OPEN" : "ok  ")} {Name}: {What}; {Anomalies.Count} anomalies" +
        string.Concat(Notes.Select(n => $"\n       note: {n}")) +
        string.Concat(Anomalies.Take(20).Select(a => $"\n     ! {a}")) +
        (Anomalies.Count > 20 ? $"\n     ! ... and {Anomalies.Count - 20} more" : "");
}

/// <summary>What the system holds at the end: read straight from the PostgreSQL event log, and through the gateways.</summary>
public sealed record FinalState(
    IReadOnlyList<RecordedEvent> Log,
    IReadOnlyDictionary<Guid, long> Balances,
    IReadOnlyDictionary<long, int> NewsUp,
    IReadOnlyDictionary<long, IReadOnlyList<(long Id, string Body)>> Comments,
    IReadOnlyDictionary<string, string> TransferStatus);

/// <summary>A logical transfer: every attempt with its id, and how it ended (the first attempt with a known outcome).</summary>
public sealed record LogicalTransfer(string Id, Guid From, Guid To, long Amount, double Invoke, Op? Definite, IReadOnlyList<Op> Attempts)
{
    public double Complete => Definite?.Complete ?? double.PositiveInfinity;

    /// <summary>Whether it moved money: true, false, or null when unknown.</summary>
    public bool? Moved => Definite switch
    {
        null => null,
        { Outcome: Outcome.Ok, Status: "completed" } => true,
        _ => false,
    };

    /// <summary>Refused because the source held less than the amount (a fact about the balance, for the search).</summary>
    public bool RefusedForFunds => Definite is { } d && !(Moved ?? true) && (d.Error?.Contains("insufficient", StringComparison.Ordinal) ?? false);

    public static IReadOnlyList<LogicalTransfer> Of(IEnumerable<Op> ops) =>
        [.. ops.Where(o => o.Kind == "transfer").GroupBy(o => o.Key!).Select(g =>
        {
            var attempts = g.OrderBy(o => o.Invoke).ToArray();
            var first = attempts[0];
            return new LogicalTransfer(g.Key, first.Account!.Value, first.To!.Value, first.Amount, first.Invoke,
                attempts.FirstOrDefault(a => a.Outcome != Outcome.Info), attempts);
        })];
}

/// <summary>The checkers over a run's history and final state. Each answers a <see cref="CheckResult"/>.</summary>
public static class Checkers
{
    public static IReadOnlyList<CheckResult> All(IReadOnlyList<Op> ops, FinalState final, double lastHealed, TimeSpan bound, IReadOnlyDictionary<string, double> sweptAt)
    {
        var transfers = LogicalTransfer.Of(ops);
        var facts = LogFacts.Of(final.Log);
        return
        [
            BankTotal(ops, final, facts),
            NoNegative(ops, facts),
            ReadTogether(ops, facts),
            TransfersEnd(transfers, lastHealed, bound, sweptAt, final),
            TransferOnce(transfers, facts),
            Acknowledged(ops, transfers, final, facts),
            Linearizable(ops, transfers),
            InLogOrder(ops, transfers, facts),
        ];
    }

    /// <summary>
    /// A transfer's client id from its key in the log: transfers are stored under <c>{requester}.{id}</c> (ids are scoped to
    /// their requester; the clients' ids are unique in a run), and were stored under the bare id before.
    /// </summary>
    private static string ClientId(string key) => key.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot ? key[(dot + 1)..] : key;

    /// <summary>Facts of the event log, folded once.</summary>
    public sealed class LogFacts
    {
        public Dictionary<Guid, List<(long Version, long Position, long Balance)>> Balances { get; } = [];
        public Dictionary<(Guid, long), int> Deposits { get; } = [];
        public Dictionary<(Guid, long), int> Withdrawals { get; } = [];

        /// <summary>The version each write reached on an account's stream: <c>deposit {amount}</c>, <c>withdraw {amount}</c>, <c>transfer {id}</c>.</summary>
        public Dictionary<(Guid Account, string Write), long> WriteVersions { get; } = [];
        public Dictionary<string, List<TransferSent>> Sent { get; } = [];
        public Dictionary<string, List<TransferCredited>> Credited { get; } = [];
        public Dictionary<string, int> Made { get; } = [];
        public Dictionary<long, List<long>> Upvotes { get; } = [];
        public Dictionary<string, long> UserIds { get; } = [];
        public Dictionary<string, List<CommentPosted>> Comments { get; } = [];
        public List<string> CutAnomalies { get; } = [];
        public long DepositedTotal { get; private set; }
        public long WithdrawnTotal { get; private set; }
        public int Positions { get; private set; }

        public static LogFacts Of(IReadOnlyList<RecordedEvent> log)
        {
            var facts = new LogFacts();
            var balance = new Dictionary<Guid, long>();
            long total = 0;
            var open = new Dictionary<string, long>(); // transfers whose one leg is in and the other not yet
            var opened = new Dictionary<string, long>();
            foreach (var e in log.OrderBy(e => e.Position))
            {
                switch (e.Data)
                {
                    case MoneyDeposited d:
                        Move(d.AccountId, d.Amount);
                        facts.DepositedTotal += d.Amount;
                        Count(facts.Deposits, (d.AccountId, d.Amount));
                        facts.WriteVersions[(d.AccountId, $"deposit {d.Amount}")] = e.Version;
                        break;
                    case MoneyWithdrawn w:
                        Move(w.AccountId, -w.Amount);
                        facts.WithdrawnTotal += w.Amount;
                        Count(facts.Withdrawals, (w.AccountId, w.Amount));
                        facts.WriteVersions[(w.AccountId, $"withdraw {w.Amount}")] = e.Version;
                        break;
                    case TransferSent s:
                        Move(s.AccountId, -s.Amount);
                        Add(facts.Sent, ClientId(s.TransferId), s);
                        facts.WriteVersions[(s.AccountId, $"transfer {ClientId(s.TransferId)}")] = e.Version;
                        Leg(ClientId(s.TransferId), -s.Amount);
                        break;
                    case TransferDebited s:
                        Move(s.AccountId, -s.Amount);
                        Leg(ClientId(s.TransferId), -s.Amount);
                        break;
                    case TransferCredited c:
                        Move(c.AccountId, c.Amount);
                        Add(facts.Credited, ClientId(c.TransferId), c);
                        facts.WriteVersions[(c.AccountId, $"transfer {ClientId(c.TransferId)}")] = e.Version;
                        Leg(ClientId(c.TransferId), c.Amount);
                        break;
                    case TransferRefunded r:
                        Move(r.AccountId, r.Amount);
                        Leg(ClientId(r.TransferId), r.Amount);
                        break;
                    case TransferMade m:
                        Count(facts.Made, ClientId(m.TransferId));
                        break;
                    case NewsUpvoted v:
                        Add(facts.Upvotes, v.NewsId, v.VoterId);
                        break;
                    case UserCreated u:
                        facts.UserIds[u.Username] = u.UserId;
                        break;
                    case CommentPosted c:
                        Add(facts.Comments, c.Body, c);
                        break;
                }

                // The bank read at this position, as one reader of the log at one position sees it.
                facts.Positions++;
                var inFlight = open.Values.Sum();
                if (total - inFlight != facts.DepositedTotal - facts.WithdrawnTotal)
                {
                    facts.CutAnomalies.Add($"at position {e.Position}: balances add up to {total - inFlight}, deposits - withdrawals = {facts.DepositedTotal - facts.WithdrawnTotal}");
                }

                if (open.Count > 0 && open.Keys.All(id => e.Position > opened[id] + 4))
                {
                    facts.CutAnomalies.Add($"at position {e.Position}: transfer(s) {string.Join(", ", open.Keys)} half applied across commits");
                    open.Clear();
                }

                void Move(Guid account, long amount)
                {
                    total += amount;
                    var next = balance.GetValueOrDefault(account) + amount;
                    balance[account] = next;
                    Add(facts.Balances, account, (e.Version, e.Position, next));
                }

                void Leg(string id, long amount)
                {
                    var sum = open.GetValueOrDefault(id) + amount;
                    if (sum == 0)
                    {
                        open.Remove(id);
                        opened.Remove(id);
                    }
                    else
                    {
                        open[id] = sum;
                        opened.TryAdd(id, e.Position);
                    }
                }
            }

            if (open.Count > 0)
            {
                facts.CutAnomalies.Add($"at the end of the log: transfer(s) {string.Join(", ", open.Keys)} half applied");
            }

            return facts;
        }

        private static void Count<TKey>(Dictionary<TKey, int> counts, TKey key)
            where TKey : notnull => counts[key] = counts.GetValueOrDefault(key) + 1;

        private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> lists, TKey key, TValue value)
            where TKey : notnull
        {
            if (!lists.TryGetValue(key, out var list))
            {
                lists[key] = list = [];
            }

            list.Add(value);
        }

        /// <summary>The account's balance at <paramref name="version"/> per the log (null: the log has no such version).</summary>
        public long? BalanceAt(Guid account, long version)
        {
            if (!Balances.TryGetValue(account, out var moves))
            {
                return version <= 1 ? 0 : null;
            }

            var at = moves.LastOrDefault(m => m.Version <= version);
            return at == default ? 0 : at.Balance;
        }
    }

    public static CheckResult BankTotal(IReadOnlyList<Op> ops, FinalState final, LogFacts facts)
    {
        var result = new CheckResult("bank total", "");
        var deposits = ops.Where(o => o.Kind == "deposit").ToArray();
        var withdrawals = ops.Where(o => o.Kind == "withdraw").ToArray();
        var sure = deposits.Where(o => o.Outcome == Outcome.Ok).Sum(o => o.Amount) - withdrawals.Where(o => o.Outcome == Outcome.Ok).Sum(o => o.Amount);
        var maybeIn = deposits.Where(o => o.Outcome == Outcome.Info).Sum(o => o.Amount);
        var maybeOut = withdrawals.Where(o => o.Outcome == Outcome.Info).Sum(o => o.Amount);
        var total = final.Balances.Values.Sum();
        result.What = $"final total {total} of {final.Balances.Count} accounts against {deposits.Length} deposits and {withdrawals.Length} withdrawals " +
            $"(acknowledged net {sure}, unknown: +{maybeIn} / -{maybeOut}); log: deposited {facts.DepositedTotal}, withdrawn {facts.WithdrawnTotal}";
        if (total < sure - maybeOut || total > sure + maybeIn)
        {
            result.Anomalies.Add($"total {total} is outside [{sure - maybeOut}, {sure + maybeIn}]");
        }

        if (total != facts.DepositedTotal - facts.WithdrawnTotal)
        {
            result.Anomalies.Add($"total {total} differs from the log's deposits - withdrawals {facts.DepositedTotal - facts.WithdrawnTotal}");
        }

        return result;
    }

    public static CheckResult NoNegative(IReadOnlyList<Op> ops, LogFacts facts)
    {
        var reads = ops.Where(o => o is { Outcome: Outcome.Ok, Value: not null } && o.Kind is "read" or "deposit" or "withdraw").ToArray();
        var lines = ops.Where(o => o is { Kind: "summary", Outcome: Outcome.Ok, Lines: not null }).SelectMany(o => o.Lines!.Select(l => (o, l))).ToArray();
        var result = new CheckResult("no negative balance", $"{reads.Length} balances answered, {lines.Length} summary lines, {facts.Balances.Values.Sum(b => b.Count)} balances in the log");
        result.Anomalies.AddRange(reads.Where(o => o.Value < 0).Select(o => $"op #{o.Index} {o.Kind} {o.Account} read {o.Value}"));
        result.Anomalies.AddRange(lines.Where(p => p.l.Balance < 0).Select(p => $"op #{p.o.Index} summary line {p.l.Account} read {p.l.Balance}"));
        result.Anomalies.AddRange(facts.Balances.SelectMany(a => a.Value.Where(b => b.Balance < 0).Select(b => $"log: account {a.Key} at version {b.Version} (position {b.Position}) holds {b.Balance}")));
        return result;
    }

    /// <summary>
    /// Balances read together: the whole bank at every log position (a reader of the log at one position), and each
    /// owner summary read (its lines against the log at their versions, its total against its lines).
    /// </summary>
    public static CheckResult ReadTogether(IReadOnlyList<Op> ops, LogFacts facts)
    {
        var summaries = ops.Where(o => o is { Kind: "summary", Outcome: Outcome.Ok, Lines: not null }).ToArray();
        var result = new CheckResult("balances read together", $"the bank's total at each of {facts.Positions} log positions; {summaries.Length} owner summaries (lines at their versions, totals)");
        result.Anomalies.AddRange(facts.CutAnomalies);
        foreach (var summary in summaries)
        {
            if (summary.Value != summary.Lines!.Sum(l => l.Balance))
            {
                result.Anomalies.Add($"op #{summary.Index} summary of {summary.Key}: total {summary.Value}, lines add up to {summary.Lines!.Sum(l => l.Balance)}");
            }

            foreach (var line in summary.Lines!)
            {
                if (facts.BalanceAt(line.Account, line.Version) is var logged && logged != line.Balance)
                {
                    result.Anomalies.Add($"op #{summary.Index} summary of {summary.Key}: account {line.Account} at version {line.Version} shows {line.Balance}, the log {logged?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "has no such version"}");
                }
            }
        }

        return result;
    }

    public static CheckResult TransfersEnd(IReadOnlyList<LogicalTransfer> transfers, double lastHealed, TimeSpan bound, IReadOnlyDictionary<string, double> sweptAt, FinalState final)
    {
        var result = new CheckResult("transfers end", "");
        var longest = 0.0;
        foreach (var transfer in transfers)
        {
            var ended = Math.Min(transfer.Complete, sweptAt.GetValueOrDefault(transfer.Id, double.PositiveInfinity));
            var from = Math.Max(lastHealed, transfer.Invoke);
            longest = Math.Max(longest, ended - from);
            var due = from + bound.TotalMilliseconds;
            if (ended > due)
            {
                var status = final.TransferStatus.GetValueOrDefault(transfer.Id, "?");
                result.Anomalies.Add($"transfer {transfer.Id} (ops {string.Join(", ", transfer.Attempts.Select(a => $"#{a.Index} {a.Outcome} {a.Error}"))}) " +
                    $"{(double.IsInfinity(ended) ? "never ended" : $"ended at {ended / 1000:0.0} s")}, due by {due / 1000:0.0} s; final status {status}");
            }
        }

        var pending = final.TransferStatus.Where(s => s.Value == "pending").ToArray();
        result.Anomalies.AddRange(pending.Select(p => $"transfer {p.Key} still pending at the end"));
        result.What = $"{transfers.Count} transfers end (an answer or a final status) within {bound.TotalSeconds:0} s after the cluster was " +
                      $"last whole ({lastHealed / 1000:0.0} s) or after they began (the longest: {(double.IsInfinity(longest) ? "never" : $"{longest / 1000:0.0} s")})";
        return result;
    }

    public static CheckResult TransferOnce(IReadOnlyList<LogicalTransfer> transfers, LogFacts facts)
    {
        var ids = facts.Sent.Keys.Concat(facts.Credited.Keys).Concat(facts.Made.Keys).Distinct().ToArray();
        var result = new CheckResult("each transfer moves money at most once", $"{ids.Length} transfer ids in the log, {transfers.Count} requested");
        var requested = transfers.ToDictionary(t => t.Id);
        foreach (var id in ids)
        {
            var sent = facts.Sent.GetValueOrDefault(id) ?? [];
            var credited = facts.Credited.GetValueOrDefault(id) ?? [];
            var made = facts.Made.GetValueOrDefault(id);
            var ops = requested.TryGetValue(id, out var t) ? string.Join(", ", t.Attempts.Select(a => $"#{a.Index}")) : "not requested";
            if (sent.Count > 1 || credited.Count > 1 || made > 1 || sent.Count != credited.Count || made != sent.Count)
            {
                result.Anomalies.Add($"transfer {id} (ops {ops}): {sent.Count} sent, {credited.Count} credited, {made} recorded");
            }

            if (t is not null && (sent.Any(s => s.Amount != t.Amount || s.AccountId != t.From || s.To != t.To) || credited.Any(c => c.Amount != t.Amount || c.AccountId != t.To)))
            {
                result.Anomalies.Add($"transfer {id} (ops {ops}): moved other money than requested ({t.Amount} from {t.From} to {t.To})");
            }
        }

        return result;
    }

    public static CheckResult Acknowledged(IReadOnlyList<Op> ops, IReadOnlyList<LogicalTransfer> transfers, FinalState final, LogFacts facts)
    {
        var result = new CheckResult("acknowledged writes, exactly once", "");
        int checkedOk = 0, checkedInfo = 0;
        void Expect(Op op, int found, string what)
        {
            var ok = op.Outcome switch
            {
                Outcome.Ok => found == 1,
                Outcome.Info => found <= 1,
                _ => found == 0,
            };
            if (op.Outcome == Outcome.Ok) checkedOk++; else checkedInfo++;
            if (!ok)
            {
                result.Anomalies.Add($"op #{op.Index} {op.Kind} {op.Outcome} ({op.Error}): {what} found {found} times");
            }
        }

        foreach (var op in ops.Where(o => o.Kind == "deposit"))
        {
            Expect(op, facts.Deposits.GetValueOrDefault((op.Account!.Value, op.Amount)), $"deposit of {op.Amount} to {op.Account} in the log");
        }

        foreach (var op in ops.Where(o => o.Kind == "withdraw"))
        {
            Expect(op, facts.Withdrawals.GetValueOrDefault((op.Account!.Value, op.Amount)), $"withdrawal of {op.Amount} from {op.Account} in the log");
        }

        foreach (var t in transfers)
        {
            var sent = facts.Sent.GetValueOrDefault(t.Id)?.Count ?? 0;
            var status = final.TransferStatus.GetValueOrDefault(t.Id, "absent");
            var op = t.Definite ?? t.Attempts[^1];
            if (t.Moved == true)
            {
                Expect(op, sent, $"transfer {t.Id} in the log");
                if (status != "completed") result.Anomalies.Add($"op #{op.Index} transfer {t.Id} acknowledged completed, now {status}");
            }
            else if (t.Moved == false)
            {
                Expect(op with { Outcome = Outcome.Fail }, sent, $"refused transfer {t.Id} moving money in the log");
                if (status == "completed") result.Anomalies.Add($"op #{op.Index} transfer {t.Id} answered {op.Status ?? op.Error}, now completed");
            }
            else
            {
                Expect(op, sent, $"transfer {t.Id} (unknown) in the log");
            }
        }

        foreach (var (account, balance) in final.Balances)
        {
            var logged = facts.Balances.TryGetValue(account, out var moves) ? moves[^1].Balance : 0;
            if (logged != balance)
            {
                result.Anomalies.Add($"account {account}: balance {balance} now, the log folds to {logged}");
            }
        }

        foreach (var op in ops.Where(o => o.Kind == "vote"))
        {
            var voter = facts.UserIds.GetValueOrDefault(op.Key!, -1);
            Expect(op, facts.Upvotes.GetValueOrDefault(op.Amount)?.Count(v => v == voter) ?? 0, $"up-vote of {op.Key} on news {op.Amount} in the log");
        }

        foreach (var (news, up) in final.NewsUp)
        {
            var logged = facts.Upvotes.GetValueOrDefault(news)?.Count ?? 0;
            if (logged != up)
            {
                result.Anomalies.Add($"news {news}: {up} up-votes shown, the log has {logged}");
            }
        }

        foreach (var op in ops.Where(o => o.Kind == "comment"))
        {
            var logged = facts.Comments.GetValueOrDefault(op.Key!)?.Count ?? 0;
            Expect(op, logged, $"comment '{op.Key}' in the log");
            var shown = final.Comments.GetValueOrDefault(op.Amount)?.Count(c => c.Body == op.Key) ?? 0;
            Expect(op, shown, $"comment '{op.Key}' on news {op.Amount}");
            if (op is { Outcome: Outcome.Ok, Value: { } id } && final.Comments.GetValueOrDefault(op.Amount)?.All(c => c.Id >= 0) == true && final.Comments.GetValueOrDefault(op.Amount)?.Any(c => c.Body == op.Key && c.Id != id) == true)
            {
                result.Anomalies.Add($"op #{op.Index} comment '{op.Key}' answered id {id}, shown with another");
            }
        }

        result.What = $"{checkedOk} acknowledged and {checkedInfo} unknown or refused writes against the event log and the final state " +
            $"({final.Balances.Count} balances, {final.NewsUp.Count} news, {final.Comments.Values.Sum(c => c.Count)} comments, {final.TransferStatus.Count} transfers)";
        return result;
    }

    /// <summary>Per account: the balance reads (and the refusals' 'not enough') linearizable with the writes.</summary>
    public static CheckResult Linearizable(IReadOnlyList<Op> ops, IReadOnlyList<LogicalTransfer> transfers)
    {
        var perAccount = new Dictionary<Guid, List<BalanceOp>>();
        void Add(Guid account, BalanceOp op)
        {
            if (!perAccount.TryGetValue(account, out var list))
            {
                perAccount[account] = list = [];
            }

            list.Add(op);
        }

        static double End(Op o) => o.Outcome == Outcome.Info ? double.PositiveInfinity : o.Complete;
        foreach (var o in ops)
        {
            switch (o.Kind)
            {
                case "read" when o is { Outcome: Outcome.Ok, Value: { } value }:
                    Add(o.Account!.Value, new BalanceOp(o.Index, $"read {value}", o.Invoke, o.Complete, false, b => b == value ? b : null));
                    break;
                case "deposit" when o.Outcome != Outcome.Fail:
                    var a = o.Amount;
                    Add(o.Account!.Value, new BalanceOp(o.Index, $"deposit {a}", o.Invoke, End(o), o.Outcome == Outcome.Info, b => b + a));
                    break;
                case "withdraw" when o.Outcome != Outcome.Fail || (o.Error?.Contains("insufficient", StringComparison.Ordinal) ?? false):
                    var w = o.Amount;
                    if (o.Outcome == Outcome.Fail)
                    {
                        Add(o.Account!.Value, new BalanceOp(o.Index, $"withdraw {w} refused", o.Invoke, o.Complete, false, b => b < w ? b : null));
                    }
                    else
                    {
                        Add(o.Account!.Value, new BalanceOp(o.Index, $"withdraw {w}", o.Invoke, End(o), o.Outcome == Outcome.Info, b => b >= w ? b - w : (o.Outcome == Outcome.Info ? b : null)));
                    }

                    break;
            }
        }

        foreach (var t in transfers)
        {
            var index = (t.Definite ?? t.Attempts[^1]).Index;
            var amount = t.Amount;
            switch (t.Moved)
            {
                case true:
                    Add(t.From, new BalanceOp(index, $"transfer {t.Id} out {amount}", t.Invoke, t.Complete, false, b => b >= amount ? b - amount : null));
                    Add(t.To, new BalanceOp(index, $"transfer {t.Id} in {amount}", t.Invoke, t.Complete, false, b => b + amount));
                    break;
                case false when t.RefusedForFunds:
                    Add(t.From, new BalanceOp(index, $"transfer {t.Id} refused for {amount}", t.Invoke, t.Complete, false, b => b < amount ? b : null));
                    break;
                case null:
                    Add(t.From, new BalanceOp(index, $"transfer {t.Id} out {amount}?", t.Invoke, double.PositiveInfinity, true, b => b >= amount ? b - amount : b));
                    Add(t.To, new BalanceOp(index, $"transfer {t.Id} in {amount}?", t.Invoke, double.PositiveInfinity, true, b => b + amount));
                    break;
            }
        }

        var result = new CheckResult("linearizable balances", "");
        long states = 0;
        foreach (var (account, history) in perAccount)
        {
            var verdict = Linearizability.Check(history);
            states += verdict.States;
            if (verdict.Undecided)
            {
                result.Undecided = true;
                result.Notes.Add($"account {account}: undecided after {verdict.States} states ({history.Count} operations)");
            }
            else if (!verdict.Linearizable)
            {
                result.Anomalies.Add($"account {account}: {history.Count} operations not linearizable {verdict.Detail}");
            }
        }

        result.What = $"{perAccount.Count} accounts, {perAccount.Values.Sum(h => h.Count)} operations ({perAccount.Values.Sum(h => h.Count(o => o.What.StartsWith("read", StringComparison.Ordinal)))} reads), {states} states searched";
        return result;
    }

    /// <summary>
    /// Per account, every balance read and every refusal for lack of funds against the order the log gave the writes,
    /// which is the order they took effect in: each write is placed by its version on the account's stream (unknown ones
    /// too, when the log has them; deposit and withdrawal amounts are unique in a run), and an operation can only have
    /// seen versions from the last write acknowledged before it began (<c>lo</c>) to the last before the first write that
    /// began after it ended (<c>hi</c>). A read answers its version: it must lie in that range and its balance must be the
    /// log's at that version; a refusal must find a balance below its amount in the range. The writes' own versions must
    /// follow real time. This decides every read in linear time where the search over all orders
    /// (<see cref="Linearizable"/>) can run out of budget on a long run's busiest accounts.
    /// </summary>
    public static CheckResult InLogOrder(IReadOnlyList<Op> ops, IReadOnlyList<LogicalTransfer> transfers, LogFacts facts)
    {
        var writes = new Dictionary<Guid, List<(long Version, double Invoke, double Complete, string What)>>();
        void Write(Guid account, string key, double invoke, double complete, string what)
        {
            if (facts.WriteVersions.TryGetValue((account, key), out var version))
            {
                if (!writes.TryGetValue(account, out var list))
                {
                    writes[account] = list = [];
                }

                list.Add((version, invoke, complete, what));
            }
        }

        foreach (var o in ops.Where(o => o.Outcome != Outcome.Fail && o.Account is not null))
        {
            var complete = o.Outcome == Outcome.Info ? double.PositiveInfinity : o.Complete;
            if (o.Kind is "deposit" or "withdraw")
            {
                Write(o.Account!.Value, $"{o.Kind} {o.Amount}", o.Invoke, complete, $"#{o.Index} {o.Kind} {o.Amount}");
            }
        }

        foreach (var t in transfers.Where(t => t.Moved != false))
        {
            Write(t.From, $"transfer {t.Id}", t.Invoke, t.Complete, $"transfer {t.Id} out");
            Write(t.To, $"transfer {t.Id}", t.Invoke, t.Complete, $"transfer {t.Id} in");
        }

        var result = new CheckResult("balances in the log's order", "");
        var byComplete = new Dictionary<Guid, (double[] Complete, long[] MaxVersion)>();
        var byInvoke = new Dictionary<Guid, (double[] Invoke, long[] MinVersion)>();
        foreach (var (account, list) in writes)
        {
            // lo: the highest version among writes completed before a time (prefix maxima by completion).
            var c = list.OrderBy(w => w.Complete).ToArray();
            var maxVersion = new long[c.Length];
            for (var i = 0; i < c.Length; i++)
            {
                maxVersion[i] = Math.Max(i > 0 ? maxVersion[i - 1] : 0, c[i].Version);
            }

            byComplete[account] = ([.. c.Select(w => w.Complete)], maxVersion);
            // hi: below the lowest version among writes invoked after a time (suffix minima by invocation).
            var v = list.OrderBy(w => w.Invoke).ToArray();
            var minVersion = new long[v.Length];
            for (var i = v.Length - 1; i >= 0; i--)
            {
                minVersion[i] = Math.Min(i < v.Length - 1 ? minVersion[i + 1] : long.MaxValue, v[i].Version);
            }

            byInvoke[account] = ([.. v.Select(w => w.Invoke)], minVersion);
        }

        (long Lo, long Hi) Range(Guid account, double invoke, double complete)
        {
            if (!byComplete.TryGetValue(account, out var done))
            {
                return (0, long.MaxValue);
            }

            var before = UpperBound(done.Complete, invoke) - 1; // completed before the operation began
            var (starts, minVersion) = byInvoke[account];
            var after = UpperBound(starts, complete); // began after the operation ended
            return (before >= 0 ? done.MaxVersion[before] : 0, after < starts.Length ? minVersion[after] - 1 : long.MaxValue);
        }

        int reads = 0, refusals = 0;
        foreach (var o in ops.Where(o => o.Account is not null))
        {
            var account = o.Account!.Value;
            if (o is { Kind: "read", Outcome: Outcome.Ok, Value: { } value, Version: { } version })
            {
                reads++;
                var (lo, hi) = Range(account, o.Invoke, o.Complete);
                if (version < lo || version > hi)
                {
                    result.Anomalies.Add($"op #{o.Index} read of {account} saw version {version}, but only versions {lo}..{(hi == long.MaxValue ? "" : hi)} were possible during it");
                }
                else if (facts.BalanceAt(account, version) is { } logged && logged != value)
                {
                    result.Anomalies.Add($"op #{o.Index} read of {account} saw {value} at version {version}, the log {logged}");
                }
            }
            else if (o is { Kind: "withdraw", Outcome: Outcome.Fail } && (o.Error?.Contains("insufficient", StringComparison.Ordinal) ?? false))
            {
                Refusal(account, o.Invoke, o.Complete, o.Amount, $"op #{o.Index} withdrawal");
            }
        }

        // A transfer is decided once, in any of its attempts: its window runs from the first to the answer.
        foreach (var t in transfers.Where(t => t.RefusedForFunds))
        {
            Refusal(t.From, t.Invoke, t.Complete, t.Amount, $"transfer {t.Id}");
        }

        void Refusal(Guid account, double invoke, double complete, long amount, string what)
        {
            refusals++;
            var (lo, hi) = Range(account, invoke, complete);
            var moves = facts.Balances.GetValueOrDefault(account) ?? [];
            var possible = new[] { facts.BalanceAt(account, lo) ?? 0 }.Concat(moves.Where(m => m.Version > lo && m.Version <= hi).Select(m => m.Balance));
            if (!possible.Any(b => b < amount))
            {
                result.Anomalies.Add($"{what} of {amount} from {account} refused for funds, but every balance in versions {lo}..{(hi == long.MaxValue ? "" : hi)} was at least that");
            }
        }

        // The writes' own versions follow real time: one acknowledged before another began comes first in the log.
        var placed = 0;
        foreach (var (account, list) in writes)
        {
            foreach (var w in list)
            {
                placed++;
                var (lo, _) = Range(account, w.Invoke, w.Complete);
                if (lo > w.Version)
                {
                    result.Anomalies.Add($"{w.What} on {account} is version {w.Version}, but version {lo} was acknowledged before it began");
                }
            }
        }

        result.What = $"{writes.Count} accounts: {reads} reads at their versions and {refusals} refusals for funds, against {placed} writes placed by their versions";
        return result;
    }

    /// <summary>The index of the first element greater than <paramref name="value"/> in <paramref name="sorted"/>.</summary>
    private static int UpperBound(double[] sorted, double value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (sorted[mid] <= value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
