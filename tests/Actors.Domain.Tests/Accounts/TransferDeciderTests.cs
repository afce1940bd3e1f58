using Actors.Accounts;
using static Actors.Accounts.AccountRules;

namespace Actors.Tests.Accounts;

public abstract class TransferSpec
{
    protected static readonly Guid From = Guid.Parse("6f3c2c8e-0000-4000-8000-000000000001");
    protected static readonly Guid To = Guid.Parse("6f3c2c8e-0000-4000-8000-000000000002");
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset Now = T0.AddMinutes(1);
    protected static readonly ITransferEvent Made = new TransferMade("t1", From, To, 250, 7, T0);

    // What an older version recorded step by step.
    protected static readonly ITransferEvent Requested = new TransferRequested("t1", From, To, 250, 7, T0);
    protected static readonly ITransferEvent SourceDebited = new TransferSourceDebited("t1", "EUR", T0);
    protected static readonly ITransferEvent TargetCredited = new TransferTargetCredited("t1", T0);
    protected static readonly ITransferEvent TargetRefused = new TransferTargetRefused("t1", "account-closed", T0);

    protected static TransferState Fold(params ITransferEvent[] events) => events.Aggregate(TransferDecider.Initial, TransferDecider.Evolve);

    protected static TransferCommand.Make Make(Guid from, Guid to, long amount = 250, long by = 7, string id = "t1") =>
        new(id, from, to, amount, by, Now);

    protected static TransferCommand.LegRefusal RefusedBySource(Rejection refusal) => new(refusal, ByTarget: false);

    protected static TransferCommand.LegRefusal RefusedByTarget(Rejection refusal) => new(refusal, ByTarget: true);

    protected static void Then(TransferState state, TransferCommand command, params ITransferEvent[] expected)
    {
        var decision = TransferDecider.Decide(command, state);
        Assert.Null(decision.Rejection);
        Assert.Equal(expected, decision.Events);
    }

    protected static void ThenRejected(TransferState state, TransferCommand command, Rejection expected)
    {
        var decision = TransferDecider.Decide(command, state);
        Assert.Equal(expected, decision.Rejection);
        Assert.Empty(decision.Events);
    }

    protected static void ThenLegs(TransferState state, TransferCommand command, params TransferLeg[] expected) =>
        Assert.Equal(expected, TransferDecider.LegsOf(command, state));
}

public class MakeTransferTests : TransferSpec
{
    [Fact]
    public void A_new_transfer_is_one_fact_recorded_with_the_sources_send_and_the_targets_receive()
    {
        Then(Fold(), Make(From, To), new TransferMade("t1", From, To, 250, 7, Now));
        ThenLegs(Fold(), Make(From, To), new TransferLeg(From, TransferLegKind.Send), new TransferLeg(To, TransferLegKind.Receive));
        Assert.Equal("completed", Fold(Made).ToView(1)!.Status);
    }

    [Fact]
    public void The_accounts_are_asked_in_id_order_whichever_is_the_source() =>
        ThenLegs(Fold(), Make(To, From), new TransferLeg(From, TransferLegKind.Receive), new TransferLeg(To, TransferLegKind.Send));

    [Fact]
    public void Making_the_same_transfer_again_is_a_no_op_and_needs_no_leg()
    {
        Then(Fold(Made), Make(From, To));
        ThenLegs(Fold(Made), Make(From, To));
    }

    [Theory]
    [InlineData(251, 7)]
    [InlineData(250, 8)]
    public void Reusing_the_id_for_another_transfer_is_refused(long amount, long by) =>
        ThenRejected(Fold(Made), Make(From, To, amount, by), AccountRejections.TransferConflict);

    [Fact]
    public void Reusing_the_id_for_other_accounts_is_refused() =>
        ThenRejected(Fold(Made), Make(To, From), AccountRejections.TransferConflict);

    [Theory]
    [InlineData(0)]
    [InlineData(-250)]
    [InlineData(MaxAmount + 1)]
    public void A_non_positive_or_absurd_amount_is_refused(long amount) =>
        ThenRejected(Fold(), Make(From, To, amount), AccountRejections.InvalidAmount);

    [Fact]
    public void A_transfer_to_the_same_account_is_refused() =>
        ThenRejected(Fold(), Make(From, From), AccountRejections.SameAccount);

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/y")]
    [InlineData("é")]
    public void A_malformed_transfer_id_is_refused(string id) =>
        ThenRejected(Fold(), Make(From, To, id: id), AccountRejections.InvalidTransferId);

    [Theory]
    [InlineData("8.t1")]     // another requester's scope
    [InlineData("7.")]
    [InlineData(".t1")]
    [InlineData("07.t1")]
    [InlineData("7.t1.x")]
    public void A_transfer_under_a_key_that_is_not_its_requesters_is_refused(string key) =>
        ThenRejected(Fold(), Make(From, To, by: 7, id: key), AccountRejections.InvalidTransferId);

    [Fact]
    public void A_transfer_under_its_requesters_scoped_key_is_made() =>
        Then(Fold(), Make(From, To, by: 7, id: AccountIds.TransferKeyOf(7, "t1")), new TransferMade("7.t1", From, To, 250, 7, Now));

    [Fact]
    public void An_overlong_transfer_id_is_refused() =>
        ThenRejected(Fold(), Make(From, To, id: new string('x', MaxTransferIdLength + 1)), AccountRejections.InvalidTransferId);

    [Fact]
    public void A_leg_refused_before_anything_was_written_records_the_request_as_failed_with_the_reason()
    {
        var refused = Make(From, To) with { Refused = RefusedBySource(AccountRejections.InsufficientFunds) };

        Then(Fold(), refused, new TransferRequested("t1", From, To, 250, 7, Now), new TransferFailed("t1", "insufficient-funds", Now));
        ThenLegs(Fold(), refused);
        var failed = Fold(new TransferRequested("t1", From, To, 250, 7, Now), new TransferFailed("t1", "insufficient-funds", Now)).ToView(2)!;
        Assert.Equal(("failed", "insufficient-funds"), (failed.Status, failed.Reason));
    }

    [Fact]
    public void A_refusal_for_a_transfer_already_made_is_ignored() =>
        Then(Fold(Made), Make(From, To) with { Refused = RefusedByTarget(AccountRejections.Closed) });

    [Fact]
    public void The_rules_of_a_request_apply_to_a_refusal_too() =>
        ThenRejected(Fold(), Make(From, From) with { Refused = RefusedBySource(AccountRejections.NotOwner) }, AccountRejections.SameAccount);

    [Fact]
    public void A_transfer_an_older_version_left_under_way_is_not_made_again()
    {
        Then(Fold(Requested, SourceDebited), Make(From, To));
        ThenLegs(Fold(Requested, SourceDebited), Make(From, To));
        Assert.Equal("pending", Fold(Requested, SourceDebited).ToView(2)!.Status);
    }
}

/// <summary>Transfers an older version recorded step by step and left half done are finished by the same kind of commit.</summary>
public class ResumeTransferTests : TransferSpec
{
    private static readonly TransferCommand.Resume Resume = new(Now);

    public static TheoryData<ITransferEvent[]> BeforeTheCredit => new() { new[] { Requested }, new[] { Requested, SourceDebited } };

    [Theory]
    [MemberData(nameof(BeforeTheCredit))]
    public void A_transfer_requested_or_debited_is_completed_in_one_commit_with_both_legs(ITransferEvent[] history)
    {
        Then(Fold(history), Resume, new TransferCompleted("t1", Now));
        ThenLegs(Fold(history), Resume, new TransferLeg(From, TransferLegKind.Send), new TransferLeg(To, TransferLegKind.Receive));
    }

    [Fact]
    public void A_transfer_whose_target_was_credited_is_completed_with_the_sources_settlement()
    {
        Then(Fold(Requested, SourceDebited, TargetCredited), Resume, new TransferCompleted("t1", Now));
        ThenLegs(Fold(Requested, SourceDebited, TargetCredited), Resume, new TransferLeg(From, TransferLegKind.Settle));
    }

    [Fact]
    public void A_transfer_whose_target_refused_fails_with_the_sources_refund()
    {
        Then(Fold(Requested, SourceDebited, TargetRefused), Resume, new TransferFailed("t1", "account-closed", Now));
        ThenLegs(Fold(Requested, SourceDebited, TargetRefused), Resume, new TransferLeg(From, TransferLegKind.Refund));
    }

    [Fact]
    public void A_refusal_by_the_target_is_recorded_and_leads_to_the_refund()
    {
        var refused = Resume with { Refused = RefusedByTarget(AccountRejections.Closed) };

        Then(Fold(Requested, SourceDebited), refused, new TransferTargetRefused("t1", "account-closed", Now));
        ThenLegs(Fold(Requested, SourceDebited), refused);
        ThenLegs(Fold(Requested, SourceDebited, TargetRefused), Resume, new TransferLeg(From, TransferLegKind.Refund));
    }

    [Theory]
    [MemberData(nameof(BeforeTheCredit))]
    public void Two_currencies_found_while_finishing_lead_to_the_refund_whichever_account_noticed(ITransferEvent[] history)
    {
        Then(Fold(history), Resume with { Refused = RefusedBySource(AccountRejections.CurrencyMismatch) },
            new TransferTargetRefused("t1", "currency-mismatch", Now));
        Then(Fold(history), Resume with { Refused = RefusedByTarget(AccountRejections.CurrencyMismatch) },
            new TransferTargetRefused("t1", "currency-mismatch", Now));
    }

    [Fact]
    public void A_refusal_by_the_source_of_a_transfer_it_never_paid_fails_the_transfer() =>
        Then(Fold(Requested), Resume with { Refused = RefusedBySource(AccountRejections.InsufficientFunds) },
            new TransferFailed("t1", "insufficient-funds", Now));

    [Fact]
    public void A_refund_refused_because_the_source_was_never_debited_fails_the_transfer_with_the_targets_reason() =>
        Then(Fold(Requested, TargetRefused), Resume with { Refused = RefusedBySource(AccountRejections.UnknownTransfer) },
            new TransferFailed("t1", "account-closed", Now));

    [Fact]
    public void A_refused_settlement_is_not_recorded_and_the_transfer_stays_pending() =>
        ThenRejected(Fold(Requested, SourceDebited, TargetCredited), Resume with { Refused = RefusedBySource(AccountRejections.TransferRefunded) },
            AccountRejections.TransferRefunded);

    public static TheoryData<ITransferEvent[]> NothingToResume => new()
    {
        Array.Empty<ITransferEvent>(),
        new[] { Made },
        new[] { Requested, SourceDebited, TargetCredited, new TransferCompleted("t1", T0) },
        new[] { Requested, new TransferFailed("t1", "insufficient-funds", T0) },
    };

    [Theory]
    [MemberData(nameof(NothingToResume))]
    public void A_finished_or_unknown_transfer_has_nothing_to_resume(ITransferEvent[] history)
    {
        Then(Fold(history), Resume);
        ThenLegs(Fold(history), Resume);
    }

    [Fact]
    public void Every_history_an_older_version_wrote_still_folds_to_its_outcome()
    {
        Assert.Equal("completed", Fold(Requested, SourceDebited, TargetCredited, new TransferCompleted("t1", T0)).ToView(4)!.Status);
        var refunded = Fold(Requested, SourceDebited, TargetRefused, new TransferFailed("t1", "account-closed", T0)).ToView(4)!;
        Assert.Equal(("failed", "account-closed"), (refunded.Status, refunded.Reason));
        Assert.Equal("EUR", Fold(Requested, SourceDebited).Currency);
    }
}
