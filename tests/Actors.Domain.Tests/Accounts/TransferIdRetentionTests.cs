using System.Text.Json;
using Actors.Accounts;

namespace Actors.Tests.Accounts;

/// <summary>An account keeps the ids of its last few finished transfers only, and still decides every step exactly once.</summary>
public class TransferIdRetentionTests
{
    private static readonly Guid Id = Guid.Parse("0b9b6c1e-55b4-4d8e-9a56-2a4c6a0e0001");
    private static readonly Guid Other = Guid.Parse("0b9b6c1e-55b4-4d8e-9a56-2a4c6a0e0002");
    private const long Owner = 7;
    private const int Keep = 2;
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Minute(int n) => T0.AddMinutes(n);

    private static AccountState Fold(int keep, params IAccountEvent[] events) =>
        events.Aggregate(AccountDecider.Initial, (state, e) => AccountDecider.Evolve(state, e, keep));

    /// <summary>
    /// Every kind of finished transfer leg: t1 sent, t2 credited, t3 debited then settled, t4 debited then refunded;
    /// then two more credits, so that with two ids kept t1 to t4 are all forgotten.
    /// </summary>
    private static readonly IAccountEvent[] History =
    [
        new AccountOpened(Id, Owner, "EUR", T0),
        new MoneyDeposited(Id, 1_000, Owner, T0),
        new TransferSent(Id, "t1", Other, 10, Owner, Minute(1)),
        new TransferCredited(Id, "t2", Other, 20, Minute(2)),
        new TransferDebited(Id, "t3", Other, 30, Owner, Minute(3)),
        new TransferSettled(Id, "t3", Minute(3)),
        new TransferDebited(Id, "t4", Other, 40, Owner, Minute(4)),
        new TransferRefunded(Id, "t4", 40, "account-closed", Minute(4)),
        new TransferCredited(Id, "t5", Other, 50, Minute(5)),
        new TransferCredited(Id, "t6", Other, 60, Minute(6)),
    ];

    [Fact]
    public void Only_the_ids_of_the_last_finished_transfers_are_kept()
    {
        var state = Fold(Keep, History);

        Assert.Equal(["t5", "t6"], state.Credited.Order());
        Assert.Empty(state.Debited);
        Assert.Empty(state.Refunded);
        Assert.Equal(Keep, state.Kept.Count);
        Assert.Equal(Minute(4), state.Kept.ForgottenThrough);
    }

    [Fact]
    public void Forgetting_ids_changes_no_money()
    {
        Assert.Equal(Fold(int.MaxValue, History).Balance, Fold(Keep, History).Balance);
    }

    [Fact]
    public void A_transfer_in_flight_is_never_forgotten_however_many_finish_after_it()
    {
        var state = Fold(Keep, [.. History, new TransferDebited(Id, "in-flight", Other, 70, Owner, Minute(7)),
            new TransferCredited(Id, "t8", Other, 1, Minute(8)), new TransferCredited(Id, "t9", Other, 1, Minute(9)),
            new TransferCredited(Id, "t10", Other, 1, Minute(10))]);

        Assert.Contains("in-flight", state.Debited);
        Assert.Equal(70, state.Unsettled["in-flight"]);
        Assert.Equal([new TransferRefunded(Id, "in-flight", 70, "x", Minute(11))],
            AccountDecider.Decide(new AccountCommand.Refund("in-flight", "x", Minute(11)), state).Events);
    }

    public static TheoryData<AccountCommand> StepsOfForgottenTransfers => new()
    {
        new AccountCommand.Send("t3", Other, 30, Owner, "EUR", Minute(20)),
        new AccountCommand.Send("t1", Other, 10, Owner, "EUR", Minute(20)),
        new AccountCommand.Receive("t2", Other, 20, "EUR", Minute(20)),
        new AccountCommand.Settle("t3", Minute(20)),
        new AccountCommand.Refund("t3", "x", Minute(20)),
        new AccountCommand.Settle("t4", Minute(20)),
        new AccountCommand.Refund("t4", "x", Minute(20)),
        new AccountCommand.Send("t4", Other, 40, Owner, "EUR", Minute(20)),
    };

    [Theory]
    [MemberData(nameof(StepsOfForgottenTransfers))]
    public void A_step_of_a_forgotten_transfer_decided_with_its_legs_recalled_is_decided_as_if_nothing_was_forgotten(AccountCommand step)
    {
        var remembering = Fold(int.MaxValue, History);
        var forgetting = Fold(Keep, History);
        var id = TransferIdOf(step);
        var legs = History.Where(e => TransferIdRetention.TransferIdOf(e) == id);

        var expected = AccountDecider.Decide(step, remembering);
        var decided = AccountDecider.Decide(step, TransferIdRetention.Recall(forgetting, legs));

        Assert.Equal(expected.Rejection?.Code, decided.Rejection?.Code);
        Assert.Equal(expected.Events, decided.Events);
        Assert.True(TransferIdRetention.MayHaveForgotten(forgetting, id, Minute(1)));
    }

    [Fact]
    public void A_step_of_a_forgotten_transfer_without_its_legs_recalled_would_move_money_again()
    {
        // Why the grain looks in the log on a miss: the bounded state alone takes a repeated send for a new one.
        var decided = AccountDecider.Decide(new AccountCommand.Send("t3", Other, 30, Owner, "EUR", Minute(20)), Fold(Keep, History));

        Assert.Equal([new TransferSent(Id, "t3", Other, 30, Owner, Minute(20))], decided.Events);
    }

    [Fact]
    public void A_transfer_requested_after_the_newest_forgotten_leg_needs_no_look_in_the_log()
    {
        var state = Fold(Keep, History);

        Assert.False(TransferIdRetention.MayHaveForgotten(state, "new", Minute(4) + TransferIdRetention.ClockSkewAllowance + TimeSpan.FromSeconds(1)));
        Assert.True(TransferIdRetention.MayHaveForgotten(state, "new", Minute(4) + TransferIdRetention.ClockSkewAllowance));
        Assert.False(TransferIdRetention.MayHaveForgotten(state, "t6"));
    }

    [Fact]
    public void An_account_that_forgot_nothing_never_looks_in_the_log()
    {
        var state = Fold(int.MaxValue, History);

        Assert.Null(state.Kept.ForgottenThrough);
        Assert.False(TransferIdRetention.MayHaveForgotten(state, "new"));
        Assert.False(TransferIdRetention.MayHaveForgotten(state, "t1", Minute(1)));
    }

    [Fact]
    public void A_state_that_forgot_ids_round_trips_through_a_snapshot_and_forgets_on_as_before()
    {
        // Snapshots are System.Text.Json (general defaults), so the retention's queue must read back in its order.
        var state = Fold(Keep, History);
        var json = JsonSerializer.Serialize(state, new JsonSerializerOptions(JsonSerializerDefaults.General));

        var read = JsonSerializer.Deserialize<AccountState>(json, new JsonSerializerOptions(JsonSerializerDefaults.General))!;

        Assert.Equal(state.Kept.Oldest, read.Kept.Oldest);
        Assert.Equal((state.Kept.Count, state.Kept.ForgottenThrough), (read.Kept.Count, read.Kept.ForgottenThrough));
        Assert.Equal(state.Credited.Order(), read.Credited.Order());
        var next = new TransferCredited(Id, "t7", Other, 70, Minute(7));
        Assert.Equal(AccountDecider.Evolve(state, next, Keep).Credited.Order(), AccountDecider.Evolve(read, next, Keep).Credited.Order());
    }

    private static string TransferIdOf(AccountCommand step) => step switch
    {
        AccountCommand.Send c => c.TransferId,
        AccountCommand.Receive c => c.TransferId,
        AccountCommand.Settle c => c.TransferId,
        AccountCommand.Refund c => c.TransferId,
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };
}
