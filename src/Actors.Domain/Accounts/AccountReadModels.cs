using System.Collections.Immutable;
using Actors.EventSourcing;

namespace Actors.Accounts;

/// <summary>The statement read model of one account while it is being built: the fold of the account's events.</summary>
public sealed record StatementState(
    Guid AccountId,
    long Owner,
    string Currency,
    AccountStatus Status,
    long Balance,
    long Version,
    DateTimeOffset OpenedAt,
    ImmutableList<StatementEntry> Entries)
{
    public static StatementState Empty(Guid accountId) => new(accountId, 0, "", AccountStatus.None, 0, 0, default, []);

    public AccountStatement ToStatement() => new(AccountId, Owner, Currency, StatusName(Status), Balance, Version, Entries);

    /// <summary>This account's line in its owner's summary; null until the account was opened.</summary>
    public OwnerAccountLine? ToLine() =>
        Status == AccountStatus.None ? null : new OwnerAccountLine(AccountId, Currency, Balance, StatusName(Status), Version, OpenedAt);

    private static string StatusName(AccountStatus status) => status switch
    {
        AccountStatus.Open => "open",
        AccountStatus.Closed => "closed",
        _ => "none",
    };
}

/// <summary>
/// The pure projections of the accounts read models, shared by the live consumers and the rebuild, so a rebuild
/// computes exactly what the live path does.
/// </summary>
public static class AccountReadModels
{
    /// <summary>
    /// Applies the next event of the account's stream. Versions at or below the one already applied are ignored
    /// (at-least-once delivery); the caller makes sure nothing is skipped (it fills gaps from the log).
    /// </summary>
    public static StatementState Apply(StatementState state, RecordedEvent recorded)
    {
        if (recorded.Version <= state.Version)
        {
            return state;
        }

        var next = state with { Version = recorded.Version };
        return recorded.Data switch
        {
            AccountOpened e => next with { Owner = e.OwnerId, Currency = e.Currency, Status = AccountStatus.Open, OpenedAt = e.At },
            MoneyDeposited e => Move(next, recorded, "deposit", e.Amount, null, null),
            MoneyWithdrawn e => Move(next, recorded, "withdrawal", -e.Amount, null, null),
            TransferDebited e => Move(next, recorded, "transfer-out", -e.Amount, e.TransferId, e.To),
            TransferSent e => Move(next, recorded, "transfer-out", -e.Amount, e.TransferId, e.To),
            TransferCredited e => Move(next, recorded, "transfer-in", e.Amount, e.TransferId, e.From),
            TransferRefunded e => Move(next, recorded, "refund", e.Amount, e.TransferId, null),
            AccountClosed => next with { Status = AccountStatus.Closed },
            _ => next, // no money moved (e.g. a settlement)
        };
    }

    private static StatementState Move(StatementState state, RecordedEvent recorded, string kind, long amount, string? transferId, Guid? counterparty)
    {
        var balance = state.Balance + amount;
        return state with
        {
            Balance = balance,
            Entries = state.Entries.Add(new StatementEntry(recorded.Version, recorded.RecordedAt, kind, amount, balance, transferId, counterparty)),
        };
    }

    /// <summary>Takes the newer of the held line and <paramref name="line"/> (by version): idempotent, order-tolerant.</summary>
    public static ImmutableDictionary<Guid, OwnerAccountLine> Apply(ImmutableDictionary<Guid, OwnerAccountLine> lines, OwnerAccountLine line) =>
        lines.TryGetValue(line.Id, out var held) && held.Version >= line.Version ? lines : lines.SetItem(line.Id, line);

    public static OwnerAccountsSummary Summarize(long owner, IEnumerable<OwnerAccountLine> lines)
    {
        var ordered = lines.OrderBy(l => l.OpenedAt).ThenBy(l => l.Id).ToArray();
        var totals = ordered.GroupBy(l => l.Currency, StringComparer.Ordinal)
            .Select(g => new CurrencyTotal(g.Key, g.Sum(l => l.Balance)))
            .OrderBy(t => t.Currency, StringComparer.Ordinal)
            .ToArray();
        return new OwnerAccountsSummary(owner, ordered, totals);
    }

    /// <summary>Both read models from a replay of the accounts history in log order.</summary>
    public static (IReadOnlyDictionary<Guid, StatementState> Statements, IReadOnlyDictionary<long, OwnerAccountsSummary> Owners) Rebuild(
        IEnumerable<RecordedEvent> history)
    {
        var statements = new Dictionary<Guid, StatementState>();
        foreach (var recorded in history)
        {
            if (recorded.Data is not IAccountEvent e)
            {
                continue;
            }

            var state = statements.GetValueOrDefault(e.AccountId) ?? StatementState.Empty(e.AccountId);
            statements[e.AccountId] = Apply(state, recorded);
        }

        var owners = statements.Values
            .Select(s => s.ToLine() is { } line ? (s.Owner, line) : default)
            .Where(x => x.line is not null)
            .GroupBy(x => x.Owner)
            .ToDictionary(g => g.Key, g => Summarize(g.Key, g.Select(x => x.line!)));
        return (statements, owners);
    }
}
