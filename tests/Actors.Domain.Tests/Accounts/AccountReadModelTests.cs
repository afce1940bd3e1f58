using Actors.Accounts;
using Actors.EventSourcing;

namespace Actors.Tests.Accounts;

public class AccountReadModelTests
{
    private static readonly Guid A = Guid.Parse("11111111-0000-4000-8000-000000000001");
    private static readonly Guid B = Guid.Parse("11111111-0000-4000-8000-000000000002");
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private long _position;

    private RecordedEvent Recorded(long version, IAccountEvent e) =>
        new($"accounts-{e.AccountId:N}", version, ++_position, Guid.NewGuid(), T0.AddMinutes(version), null, null, e);

    [Fact]
    public void A_statement_lists_each_movement_with_the_running_balance()
    {
        var history = new[]
        {
            Recorded(1, new AccountOpened(A, 7, "EUR", T0)),
            Recorded(2, new MoneyDeposited(A, 1000, 7, T0)),
            Recorded(3, new TransferDebited(A, "t1", B, 300, 7, T0)),
            Recorded(4, new TransferSettled(A, "t1", T0)),
            Recorded(5, new MoneyWithdrawn(A, 200, 7, T0)),
        };

        var statement = history.Aggregate(StatementState.Empty(A), AccountReadModels.Apply).ToStatement();

        Assert.Equal([1000L, 700, 500], statement.Entries.Select(e => e.Balance));
        Assert.Equal(["deposit", "transfer-out", "withdrawal"], statement.Entries.Select(e => e.Kind));
        Assert.Equal(B, statement.Entries[1].Counterparty);
        Assert.Equal(5, statement.Version);
    }

    [Fact]
    public void Redelivered_events_do_not_change_a_statement()
    {
        var opened = Recorded(1, new AccountOpened(A, 7, "EUR", T0));
        var deposit = Recorded(2, new MoneyDeposited(A, 1000, 7, T0));

        var once = new[] { opened, deposit }.Aggregate(StatementState.Empty(A), AccountReadModels.Apply);
        var twice = new[] { opened, deposit, opened, deposit }.Aggregate(StatementState.Empty(A), AccountReadModels.Apply);

        Assert.Equal(once.ToStatement().Entries, twice.ToStatement().Entries);
        Assert.Equal(1000, twice.Balance);
    }

    [Fact]
    public void An_owner_summary_keeps_the_newest_line_of_each_account_and_totals_per_currency()
    {
        var lines = System.Collections.Immutable.ImmutableDictionary<Guid, OwnerAccountLine>.Empty;
        lines = AccountReadModels.Apply(lines, new OwnerAccountLine(A, "EUR", 500, "open", 3, T0));
        lines = AccountReadModels.Apply(lines, new OwnerAccountLine(A, "EUR", 100, "open", 2, T0)); // late, older
        lines = AccountReadModels.Apply(lines, new OwnerAccountLine(B, "EUR", 250, "open", 2, T0.AddSeconds(1)));

        var summary = AccountReadModels.Summarize(7, lines.Values);

        Assert.Equal([A, B], summary.Accounts.Select(a => a.Id));
        Assert.Equal(new CurrencyTotal("EUR", 750), Assert.Single(summary.Totals));
    }

    [Fact]
    public void A_rebuild_groups_accounts_by_owner()
    {
        var history = new[]
        {
            Recorded(1, new AccountOpened(A, 7, "EUR", T0)),
            Recorded(1, new AccountOpened(B, 7, "USD", T0)),
            Recorded(2, new MoneyDeposited(B, 5, 7, T0)),
        };

        var (statements, owners) = AccountReadModels.Rebuild(history);

        Assert.Equal(2, statements.Count);
        Assert.Equal([("EUR", 0L), ("USD", 5L)], owners[7].Totals.Select(t => (t.Currency, t.Balance)));
    }
}
