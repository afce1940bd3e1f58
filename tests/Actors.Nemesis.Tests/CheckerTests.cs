using Actors.Accounts;
using Actors.EventSourcing;

namespace Actors.Nemesis.Tests;

/// <summary>The checkers on small histories written by hand: they must catch what they exist to catch.</summary>
public sealed class CheckerTests
{
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    private static Op Deposit(long index, double invoke, double complete, long amount, Outcome outcome = Outcome.Ok) =>
        new(index, "c0", "deposit", invoke, complete, outcome, A, Amount: amount);

    private static Op Read(long index, double invoke, double complete, long value, Guid? account = null) =>
        new(index, "c1", "read", invoke, complete, Outcome.Ok, account ?? A, Value: value);

    [Fact]
    public void Given_a_read_that_misses_a_deposit_completed_before_it_began_then_the_history_is_not_linearizable()
    {
        var check = Checkers.Linearizable([Deposit(1, 0, 10, 100), Read(2, 20, 30, 0)], []);

        Assert.Single(check.Anomalies);
        Assert.Contains("read 0", check.Anomalies[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Given_reads_overlapping_a_deposit_then_either_value_is_linearizable()
    {
        var check = Checkers.Linearizable([Deposit(1, 0, 50, 100), Read(2, 10, 20, 0), Read(3, 30, 40, 100), Read(4, 60, 70, 100)], []);

        Assert.Empty(check.Anomalies);
    }

    [Fact]
    public void Given_a_deposit_of_unknown_outcome_then_reads_may_see_it_or_not_but_not_both_ways_in_turn()
    {
        Assert.Empty(Checkers.Linearizable([Deposit(1, 0, 5, 100, Outcome.Info), Read(2, 10, 20, 0), Read(3, 30, 40, 100)], []).Anomalies);
        Assert.Single(Checkers.Linearizable([Deposit(1, 0, 5, 100, Outcome.Info), Read(2, 10, 20, 100), Read(3, 30, 40, 0)], []).Anomalies);
    }

    [Fact]
    public void Given_a_transfer_acknowledged_then_a_later_read_of_the_source_must_see_it_gone()
    {
        var ops = new[]
        {
            Deposit(1, 0, 5, 100),
            new Op(2, "c2", "transfer", 10, 20, Outcome.Ok, A, B, 30, "t-1", Status: "completed"),
            Read(3, 30, 40, 100),
        };

        var check = Checkers.Linearizable(ops, LogicalTransfer.Of(ops));

        Assert.Single(check.Anomalies);
    }

    /// <summary>A's stream: a deposit of 100 (version 1), then one of 50 (version 2).</summary>
    private static Checkers.LogFacts TwoDeposits()
    {
        var log = new List<RecordedEvent>
        {
            new($"accounts-{A:N}", 1, 1, Guid.NewGuid(), DateTimeOffset.UnixEpoch, null, null, new MoneyDeposited(A, 100, 1, DateTimeOffset.UnixEpoch)),
            new($"accounts-{A:N}", 2, 2, Guid.NewGuid(), DateTimeOffset.UnixEpoch, null, null, new MoneyDeposited(A, 50, 1, DateTimeOffset.UnixEpoch)),
        };
        return Checkers.LogFacts.Of(log);
    }

    [Fact]
    public void Given_a_read_at_a_version_older_than_a_deposit_acknowledged_before_it_began_then_in_log_order_it_is_stale()
    {
        var ops = new[] { Deposit(1, 0, 5, 100), Deposit(2, 10, 15, 50), Read(3, 20, 30, 100) with { Version = 1 } };

        var check = Checkers.InLogOrder(ops, [], TwoDeposits());

        Assert.Contains(check.Anomalies, a => a.Contains("op #3 read", StringComparison.Ordinal) && a.Contains("versions 2..", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_reads_within_their_windows_at_the_logs_balances_then_in_log_order_nothing_is_wrong_but_a_wrong_balance_is()
    {
        var ops = new[] { Deposit(1, 0, 5, 100), Deposit(2, 10, 15, 50), Read(3, 12, 30, 100) with { Version = 1 }, Read(4, 20, 30, 150) with { Version = 2 } };
        Assert.Empty(Checkers.InLogOrder(ops, [], TwoDeposits()).Anomalies);

        var wrong = Checkers.InLogOrder([.. ops, Read(5, 40, 50, 100) with { Version = 2 }], [], TwoDeposits());
        Assert.Contains(wrong.Anomalies, a => a.Contains("op #5 read", StringComparison.Ordinal) && a.Contains("the log 150", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_a_withdrawal_refused_for_funds_while_every_possible_balance_covered_it_then_in_log_order_the_refusal_is_wrong()
    {
        var refused = new Op(3, "c1", "withdraw", 20, 30, Outcome.Fail, A, Amount: 120, Error: "insufficient-funds");

        var check = Checkers.InLogOrder([Deposit(1, 0, 5, 100), Deposit(2, 10, 15, 50), refused], [], TwoDeposits());

        Assert.Contains(check.Anomalies, a => a.Contains("op #3 withdrawal of 120", StringComparison.Ordinal));
        Assert.Empty(Checkers.InLogOrder([Deposit(1, 0, 5, 100), Deposit(2, 10, 25, 50), refused with { Amount = 110 }], [], TwoDeposits()).Anomalies);
    }

    [Fact]
    public void Given_a_log_where_one_transfer_id_is_sent_twice_then_it_moved_money_more_than_once()
    {
        var log = new List<RecordedEvent>();
        void Append(string stream, object data) => log.Add(new RecordedEvent(stream, log.Count + 1, log.Count + 1, Guid.NewGuid(), DateTimeOffset.UnixEpoch, null, null, data));
        Append($"accounts-{A:N}", new MoneyDeposited(A, 100, 1, DateTimeOffset.UnixEpoch));
        for (var i = 0; i < 2; i++)
        {
            Append("transfers-t-1", new TransferMade("t-1", A, B, 30, 1, DateTimeOffset.UnixEpoch));
            Append($"accounts-{A:N}", new TransferSent(A, "t-1", B, 30, 1, DateTimeOffset.UnixEpoch));
            Append($"accounts-{B:N}", new TransferCredited(B, "t-1", A, 30, DateTimeOffset.UnixEpoch));
        }

        var ops = new[] { new Op(1, "c2", "transfer", 10, 20, Outcome.Ok, A, B, 30, "t-1", Status: "completed") };
        var check = Checkers.TransferOnce(LogicalTransfer.Of(ops), Checkers.LogFacts.Of(log));

        Assert.Contains(check.Anomalies, a => a.Contains("transfer t-1 (ops #1): 2 sent, 2 credited, 2 recorded", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_a_log_where_a_transfer_leg_lands_in_a_later_commit_then_the_bank_read_at_one_position_does_not_add_up()
    {
        var log = new List<RecordedEvent>();
        void Append(string stream, object data) => log.Add(new RecordedEvent(stream, log.Count + 1, log.Count + 1, Guid.NewGuid(), DateTimeOffset.UnixEpoch, null, null, data));
        Append($"accounts-{A:N}", new TransferSent(A, "t-1", B, 30, 1, DateTimeOffset.UnixEpoch));
        for (var i = 0; i < 6; i++)
        {
            Append($"accounts-{B:N}", new MoneyDeposited(B, 1 + i, 1, DateTimeOffset.UnixEpoch));
        }

        var facts = Checkers.LogFacts.Of(log);

        Assert.Contains(facts.CutAnomalies, a => a.Contains("t-1 half applied", StringComparison.Ordinal));
    }
}
