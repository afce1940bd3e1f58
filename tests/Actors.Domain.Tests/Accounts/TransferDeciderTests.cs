using Actors.Accounts;
using static Actors.Accounts.AccountRules;

namespace Actors.Tests.Accounts;

public abstract class TransferSpec
{
    protected static readonly Guid From = Guid.Parse("6f3c2c8e-0000-4000-8000-000000000001");
    protected static readonly Guid To = Guid.Parse("6f3c2c8e-0000-4000-8000-000000000002");
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset Now = T0.AddMinutes(1);
    protected static readonly ITransferEvent Requested = new TransferRequested("t1", From, To, 250, 7, T0);
    protected static readonly ITransferEvent SourceDebited = new TransferSourceDebited("t1", "EUR", T0);

    protected static TransferState Fold(params ITransferEvent[] events) => events.Aggregate(Transfer.Initial, Transfer.Evolve);

    protected static void Then(TransferState state, TransferCommand command, params ITransferEvent[] expected)
    {
        var decision = Transfer.Decide(command, state);
        Assert.Null(decision.Rejection);
        Assert.Equal(expected, decision.Events);
    }

    protected static void ThenRejected(TransferState state, TransferCommand command, string code)
    {
        var decision = Transfer.Decide(command, state);
        Assert.Equal(code, decision.Rejection?.Code);
        Assert.Empty(decision.Events);
    }
}

public class RequestTransferTests : TransferSpec
{
    [Fact]
    public void A_request_starts_the_process_with_a_debit_of_the_source()
    {
        Then(Fold(), new RequestTransfer("t1", From, To, 250, 7, T0), Requested);
        Assert.Equal(TransferAction.DebitSource, Transfer.NextAction(Fold(Requested)));
        Assert.Equal("pending", Fold(Requested).ToView(1)!.Status);
    }

    [Fact]
    public void Repeating_the_same_request_is_a_no_op() => Then(Fold(Requested), new RequestTransfer("t1", From, To, 250, 7, Now));

    [Theory]
    [InlineData(251, 7)]
    [InlineData(250, 8)]
    public void Reusing_the_id_for_another_transfer_is_refused(long amount, long by) =>
        ThenRejected(Fold(Requested), new RequestTransfer("t1", From, To, amount, by, Now), TransferConflict);

    [Fact]
    public void Reusing_the_id_for_other_accounts_is_refused() =>
        ThenRejected(Fold(Requested), new RequestTransfer("t1", To, From, 250, 7, Now), TransferConflict);

    [Theory]
    [InlineData(0)]
    [InlineData(-250)]
    [InlineData(MaxAmount + 1)]
    public void A_non_positive_or_absurd_amount_is_refused(long amount) =>
        ThenRejected(Fold(), new RequestTransfer("t1", From, To, amount, 7, Now), InvalidAmount);

    [Fact]
    public void A_transfer_to_the_same_account_is_refused() =>
        ThenRejected(Fold(), new RequestTransfer("t1", From, From, 1, 7, Now), SameAccount);

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("ünïcode")]
    public void A_malformed_transfer_id_is_refused(string id) =>
        ThenRejected(Fold(), new RequestTransfer(id, From, To, 1, 7, Now), InvalidTransferId);

    [Fact]
    public void An_overlong_transfer_id_is_refused() =>
        ThenRejected(Fold(), new RequestTransfer(new string('a', MaxTransferIdLength + 1), From, To, 1, 7, Now), InvalidTransferId);
}

public class RecordDebitTests : TransferSpec
{
    [Fact]
    public void A_debit_leads_to_crediting_the_target()
    {
        Then(Fold(Requested), new RecordDebit("EUR", null, Now), new TransferSourceDebited("t1", "EUR", Now));
        Assert.Equal(TransferAction.CreditTarget, Transfer.NextAction(Fold(Requested, SourceDebited)));
    }

    [Fact]
    public void A_refused_debit_fails_the_transfer_with_the_reason()
    {
        Then(Fold(Requested), new RecordDebit("", new Rejection(InsufficientFunds, "low"), Now), new TransferFailed("t1", InsufficientFunds, Now));
        var failed = Fold(Requested, new TransferFailed("t1", InsufficientFunds, Now));
        Assert.Equal(("failed", InsufficientFunds), (failed.ToView(2)!.Status, failed.ToView(2)!.Reason));
        Assert.Equal(TransferAction.None, Transfer.NextAction(failed));
    }

    [Fact]
    public void A_repeated_debit_answer_is_a_no_op() => Then(Fold(Requested, SourceDebited), new RecordDebit("EUR", null, Now));
}

/// <summary>
/// A transfer recorded step by step by an older version may stand after its credit answer; the credit itself is now
/// recorded with <see cref="RecordLegs"/>.
/// </summary>
public class CreditAnswerTests : TransferSpec
{
    [Fact]
    public void A_credit_leads_to_settling_the_source()
    {
        Then(Fold(Requested, SourceDebited), new RecordLegs("EUR", null, Now), new TransferCompleted("t1", Now));
        Assert.Equal(TransferAction.SettleSource, Transfer.NextAction(Fold(Requested, SourceDebited, new TransferTargetCredited("t1", Now))));
    }

    [Fact]
    public void A_refused_credit_leads_to_refunding_the_source()
    {
        Then(Fold(Requested, SourceDebited), new RecordLegs("EUR", new Rejection(AccountRules.AccountClosed, "closed"), Now), new TransferTargetRefused("t1", AccountRules.AccountClosed, Now));
        Assert.Equal(TransferAction.RefundSource, Transfer.NextAction(Fold(Requested, SourceDebited, new TransferTargetRefused("t1", AccountRules.AccountClosed, Now))));
    }

    [Fact]
    public void A_credit_answer_after_the_target_refused_is_ignored() =>
        Then(Fold(Requested, SourceDebited, new TransferTargetRefused("t1", AccountRules.AccountClosed, Now)), new RecordLegs("EUR", null, Now));
}

public class RecordLegsTests : TransferSpec
{
    [Fact]
    public void Debit_credit_and_settlement_answered_together_are_recorded_as_one_completion()
    {
        Then(Fold(Requested), new RecordLegs("EUR", null, Now), new TransferCompleted("t1", Now));
        var done = Fold(Requested, new TransferCompleted("t1", Now));
        Assert.Equal("completed", done.ToView(2)!.Status);
        Assert.True(done.IsTerminal);
        Assert.Equal(TransferAction.None, Transfer.NextAction(done));
    }

    [Fact]
    public void A_refused_credit_is_recorded_with_the_debit_and_leads_to_the_refund()
    {
        var refusal = new Rejection(AccountRules.AccountClosed, "closed");
        Then(Fold(Requested), new RecordLegs("EUR", refusal, Now), new TransferTargetRefused("t1", AccountRules.AccountClosed, Now));
        var refused = Fold(Requested, new TransferTargetRefused("t1", AccountRules.AccountClosed, Now));
        Assert.Equal(TransferAction.RefundSource, Transfer.NextAction(refused));
        Then(refused, new RecordRefunded(Now), new TransferFailed("t1", AccountRules.AccountClosed, Now));
    }

    [Fact]
    public void A_transfer_recorded_step_by_step_before_is_completed_from_where_it_stands()
    {
        Then(Fold(Requested, SourceDebited), new RecordLegs("EUR", null, Now), new TransferCompleted("t1", Now));
        Then(Fold(Requested, SourceDebited, new TransferTargetCredited("t1", T0)), new RecordLegs("EUR", null, Now), new TransferCompleted("t1", Now));
    }

    [Fact]
    public void Repeated_or_late_answers_are_no_ops()
    {
        var done = Fold(Requested, SourceDebited, new TransferTargetCredited("t1", T0), new TransferCompleted("t1", T0));
        Then(done, new RecordLegs("EUR", null, Now));
        Then(Fold(Requested, SourceDebited, new TransferTargetRefused("t1", AccountNotFound, T0)), new RecordLegs("EUR", null, Now));
        Then(Fold(Requested, SourceDebited, new TransferTargetCredited("t1", T0)), new RecordLegs("EUR", new Rejection(AccountNotFound, "gone"), Now));
        Then(Fold(), new RecordLegs("EUR", null, Now));
        Then(Fold(Requested, new TransferCompleted("t1", T0)), new RecordLegs("EUR", null, Now));
        Then(Fold(Requested, new TransferTargetRefused("t1", AccountNotFound, T0)), new RecordLegs("EUR", null, Now));
    }
}

public class MakeTransferTests : TransferSpec
{
    private static readonly ITransferEvent Made = new TransferMade("t1", From, To, 250, 7, T0);

    [Fact]
    public void A_transfer_made_in_one_commit_is_one_fact_and_is_completed()
    {
        Then(Fold(), new MakeTransfer("t1", From, To, 250, 7, T0), Made);
        Assert.Equal(("completed", TransferAction.None), (Fold(Made).ToView(1)!.Status, Transfer.NextAction(Fold(Made))));
    }

    [Fact]
    public void Making_the_same_transfer_again_is_a_no_op() => Then(Fold(Made), new MakeTransfer("t1", From, To, 250, 7, Now));

    [Fact]
    public void A_transfer_already_under_way_step_by_step_is_not_made_again() => Then(Fold(Requested, SourceDebited), new MakeTransfer("t1", From, To, 250, 7, Now));

    [Fact]
    public void The_rules_of_a_request_apply() => ThenRejected(Fold(), new MakeTransfer("t1", From, From, 250, 7, Now), SameAccount);

    [Fact]
    public void A_made_transfer_refuses_another_request_under_its_id() =>
        ThenRejected(Fold(Made), new RequestTransfer("t1", From, To, 999, 7, Now), TransferConflict);
}

public class RecordRefusedTests : TransferSpec
{
    private static readonly RequestTransfer Request = new("t1", From, To, 250, 7, T0);

    [Fact]
    public void A_leg_refused_before_anything_was_recorded_records_the_request_as_failed_with_the_reason()
    {
        var failed = new TransferFailed("t1", AccountRules.AccountClosed, T0);
        Then(Fold(), new RecordRefused(Request, new Rejection(AccountRules.AccountClosed, "closed")), Requested, failed);
        Assert.Equal(("failed", TransferAction.None), (Fold(Requested, failed).ToView(2)!.Status, Transfer.NextAction(Fold(Requested, failed))));
    }

    [Fact]
    public void A_refusal_for_a_transfer_already_under_way_is_ignored() =>
        Then(Fold(Requested, SourceDebited), new RecordRefused(Request, new Rejection(AccountRules.AccountClosed, "closed")));

    [Fact]
    public void A_refusal_for_a_transfer_already_made_is_ignored() =>
        Then(Fold(new TransferMade("t1", From, To, 250, 7, T0)), new RecordRefused(Request, new Rejection(InsufficientFunds, "low")));

    [Fact]
    public void A_repeated_refusal_is_a_no_op() =>
        Then(Fold(Requested, new TransferFailed("t1", InsufficientFunds, T0)), new RecordRefused(Request, new Rejection(InsufficientFunds, "low")));

    [Fact]
    public void The_rules_of_a_request_apply() =>
        ThenRejected(Fold(), new RecordRefused(Request with { To = From }, new Rejection(InsufficientFunds, "low")), SameAccount);
}

public class FinishTransferTests : TransferSpec
{
    [Fact]
    public void Settling_completes_the_transfer()
    {
        var credited = Fold(Requested, SourceDebited, new TransferTargetCredited("t1", T0));
        Then(credited, new RecordSettled(Now), new TransferCompleted("t1", Now));
        var done = Transfer.Evolve(credited, new TransferCompleted("t1", Now));
        Assert.Equal("completed", done.ToView(4)!.Status);
        Assert.Null(done.ToView(4)!.Reason);
    }

    [Fact]
    public void Refunding_fails_the_transfer_with_the_targets_reason()
    {
        var refused = Fold(Requested, SourceDebited, new TransferTargetRefused("t1", AccountNotFound, T0));
        Then(refused, new RecordRefunded(Now), new TransferFailed("t1", AccountNotFound, Now));
    }

    [Fact]
    public void A_terminal_transfer_ignores_late_answers()
    {
        var done = Fold(Requested, SourceDebited, new TransferTargetCredited("t1", T0), new TransferCompleted("t1", T0));
        Then(done, new RecordSettled(Now));
        Then(done, new RecordRefunded(Now));
        Then(done, new RecordDebit("EUR", null, Now));
        Assert.True(done.IsTerminal);
    }
}
