using Actors.Accounts;
using static Actors.Accounts.AccountRejections;
using static Actors.Accounts.AccountRules;

namespace Actors.Tests.Accounts;

public class OpenAccountTests : AccountSpec
{
    [Fact]
    public void Opening_a_new_account_records_owner_and_currency() =>
        Given().Then(new AccountCommand.Open(Id, Owner, "EUR", Now), new AccountOpened(Id, Owner, "EUR", Now));

    [Fact]
    public void Opening_the_same_account_again_is_a_no_op() =>
        Given().ThenRepeatingIsANoOp(new AccountCommand.Open(Id, Owner, "EUR", Now));

    [Fact]
    public void Opening_an_existing_id_for_someone_else_is_refused() =>
        Given(Opened()).ThenRejected(new AccountCommand.Open(Id, Stranger, "EUR", Now), Exists);

    [Fact]
    public void Opening_an_existing_id_in_another_currency_is_refused() =>
        Given(Opened()).ThenRejected(new AccountCommand.Open(Id, Owner, "USD", Now), Exists);

    [Theory]
    [InlineData("")]
    [InlineData("eur")]
    [InlineData("EURO")]
    [InlineData("E1R")]
    public void A_currency_that_is_not_an_iso_code_is_refused(string currency) =>
        Given().ThenRejected(new AccountCommand.Open(Id, Owner, currency, Now), InvalidCurrency);

    [Fact]
    public void A_new_account_has_a_zero_balance_and_is_open()
    {
        var view = Given(Opened()).State.ToView(1)!;
        Assert.Equal(0, view.Balance);
        Assert.Equal("open", view.Status);
    }
}

public class DepositMoneyTests : AccountSpec
{
    [Fact]
    public void Depositing_adds_to_the_balance()
    {
        Given(Opened()).Then(new AccountCommand.Deposit(500, Owner, Now), new MoneyDeposited(Id, 500, Owner, Now));
        Assert.Equal(800, Given(Opened(), Deposited(300), Deposited(500)).State.Balance);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    [InlineData(MaxAmount + 1)]
    [InlineData(long.MaxValue)]
    public void A_non_positive_or_absurd_amount_is_refused(long amount) =>
        Given(Opened()).ThenRejected(new AccountCommand.Deposit(amount, Owner, Now), InvalidAmount);

    [Fact]
    public void Depositing_beyond_the_largest_balance_is_refused_without_overflow()
    {
        var full = Enumerable.Repeat(Deposited(MaxAmount), (int)(MaxBalance / MaxAmount)).Prepend(Opened()).ToArray();
        Given(full).ThenRejected(new AccountCommand.Deposit(1, Owner, Now), BalanceLimit);
    }

    [Fact]
    public void Depositing_into_an_account_never_opened_is_refused() =>
        Given().ThenRejected(new AccountCommand.Deposit(1, Owner, Now), NotFound);

    [Fact]
    public void Depositing_into_a_closed_account_is_refused() =>
        Given(Opened(), new AccountClosed(Id, Owner, T0)).ThenRejected(new AccountCommand.Deposit(1, Owner, Now), Closed);
}

public class WithdrawMoneyTests : AccountSpec
{
    [Fact]
    public void Withdrawing_takes_from_the_balance() =>
        Given(Opened(), Deposited(500)).Then(new AccountCommand.Withdraw(500, Owner, Now), new MoneyWithdrawn(Id, 500, Owner, Now));

    [Fact]
    public void Withdrawing_more_than_the_balance_is_refused() =>
        Given(Opened(), Deposited(500)).ThenRejected(new AccountCommand.Withdraw(501, Owner, Now), InsufficientFunds);

    [Fact]
    public void Only_the_owner_can_withdraw() =>
        Given(Opened(), Deposited(500)).ThenRejected(new AccountCommand.Withdraw(1, Stranger, Now), NotOwner);

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(MaxAmount + 1)]
    public void A_non_positive_or_absurd_amount_is_refused(long amount) =>
        Given(Opened(), Deposited(500)).ThenRejected(new AccountCommand.Withdraw(amount, Owner, Now), InvalidAmount);

    [Fact]
    public void Withdrawing_from_a_closed_account_is_refused() =>
        Given(Opened(), new AccountClosed(Id, Owner, T0)).ThenRejected(new AccountCommand.Withdraw(1, Owner, Now), Closed);

    [Fact]
    public void Withdrawing_from_an_account_never_opened_is_refused() =>
        Given().ThenRejected(new AccountCommand.Withdraw(1, Owner, Now), NotFound);
}

public class CloseAccountTests : AccountSpec
{
    [Fact]
    public void An_empty_account_can_be_closed() =>
        Given(Opened()).Then(new AccountCommand.Close(Owner, Now), new AccountClosed(Id, Owner, Now));

    [Fact]
    public void Closing_twice_is_a_no_op() => Given(Opened()).ThenRepeatingIsANoOp(new AccountCommand.Close(Owner, Now));

    [Fact]
    public void An_account_with_money_cannot_be_closed() =>
        Given(Opened(), Deposited(1)).ThenRejected(new AccountCommand.Close(Owner, Now), BalanceNotZero);

    [Fact]
    public void Only_the_owner_can_close() => Given(Opened()).ThenRejected(new AccountCommand.Close(Stranger, Now), NotOwner);

    [Fact]
    public void An_account_with_an_outgoing_transfer_in_flight_cannot_be_closed() =>
        Given(Opened(), Deposited(10), new TransferDebited(Id, "t1", Other, 10, Owner, T0))
            .ThenRejected(new AccountCommand.Close(Owner, Now), TransfersInFlight);

    [Fact]
    public void Closing_an_account_never_opened_is_refused() => Given().ThenRejected(new AccountCommand.Close(Owner, Now), NotFound);

    [Fact]
    public void A_closed_account_still_reads_as_closed() =>
        Assert.Equal("closed", Given(Opened(), new AccountClosed(Id, Owner, T0)).State.ToView(2)!.Status);
}

public class SendTransferTests : AccountSpec
{
    [Fact]
    public void Sending_a_transfer_takes_the_amount_out_for_good() =>
        Given(Opened(), Deposited(100)).Then(new AccountCommand.Send("t1", Other, 60, Owner, null, Now), new TransferSent(Id, "t1", Other, 60, Owner, Now));

    [Fact]
    public void A_sent_transfer_is_already_settled_and_can_never_be_refunded()
    {
        Given(Opened(), Deposited(100), new TransferSent(Id, "t1", Other, 60, Owner, T0));

        Then(new AccountCommand.Settle("t1", Now));
        ThenRejected(new AccountCommand.Refund("t1", "account-not-found", Now), AccountRejections.TransferSettled);
        Then(new AccountCommand.Send("t1", Other, 60, Owner, null, Now));
    }

    [Fact]
    public void Sending_the_same_transfer_twice_takes_the_money_once() =>
        Given(Opened(), Deposited(100)).ThenRepeatingIsANoOp(new AccountCommand.Send("t1", Other, 60, Owner, null, Now));

    [Fact]
    public void A_sent_transfer_leaves_nothing_in_flight_so_the_emptied_account_can_close()
    {
        var sent = AccountDecider.Decide(new AccountCommand.Send("t1", Other, 100, Owner, null, Now), Given(Opened(), Deposited(100)).State);
        var after = sent.Events.Aggregate(State, AccountDecider.Evolve);

        Assert.Equal(0, after.Balance);
        Assert.Empty(after.Unsettled);
        Assert.Single(AccountDecider.Decide(new AccountCommand.Close(Owner, Now), after).Events);
    }

    [Fact]
    public void A_transfer_an_older_version_debited_step_by_step_is_not_sent_again_but_settled() =>
        Given(Opened(), Deposited(100), new TransferDebited(Id, "t1", Other, 60, Owner, T0))
            .Then(new AccountCommand.Send("t1", Other, 60, Owner, null, Now), new TransferSettled(Id, "t1", Now));

    [Fact]
    public void A_transfer_an_older_version_debited_is_never_settled_into_another_currency() =>
        Given(Opened("EUR"), Deposited(100), new TransferDebited(Id, "t1", Other, 60, Owner, T0))
            .ThenRejected(new AccountCommand.Send("t1", Other, 60, Owner, "USD", Now), CurrencyMismatch);

    [Fact]
    public void A_repeated_send_succeeds_even_when_the_balance_is_now_too_low() =>
        Given(Opened(), Deposited(100), new TransferSent(Id, "t1", Other, 100, Owner, T0)).Then(new AccountCommand.Send("t1", Other, 100, Owner, null, Now));

    [Fact]
    public void A_send_of_a_transfer_refunded_by_an_older_version_is_refused() =>
        Given(Opened(), Deposited(100), new TransferDebited(Id, "t1", Other, 60, Owner, T0), new TransferRefunded(Id, "t1", 60, "x", T0))
            .ThenRejected(new AccountCommand.Send("t1", Other, 60, Owner, null, Now), AccountRejections.TransferRefunded);

    [Fact]
    public void A_missing_account_cannot_transfer_out() =>
        Given().ThenRejected(new AccountCommand.Send("t1", Other, 1, Owner, null, Now), NotFound);

    [Fact]
    public void Sending_more_than_the_balance_is_refused() =>
        Given(Opened(), Deposited(100)).ThenRejected(new AccountCommand.Send("t1", Other, 101, Owner, null, Now), InsufficientFunds);

    [Fact]
    public void Only_the_owner_can_send() =>
        Given(Opened(), Deposited(100)).ThenRejected(new AccountCommand.Send("t1", Other, 1, Stranger, null, Now), NotOwner);

    [Fact]
    public void A_closed_account_cannot_send() =>
        Given(Opened(), new AccountClosed(Id, Owner, T0)).ThenRejected(new AccountCommand.Send("t1", Other, 1, Owner, null, Now), Closed);

    [Fact]
    public void Sending_to_an_account_of_another_currency_is_refused() =>
        Given(Opened("EUR"), Deposited(100)).ThenRejected(new AccountCommand.Send("t1", Other, 1, Owner, "USD", Now), CurrencyMismatch);

    [Fact]
    public void Sending_to_an_account_of_the_same_currency_is_accepted() =>
        Given(Opened("EUR"), Deposited(100)).Then(new AccountCommand.Send("t1", Other, 60, Owner, "EUR", Now), new TransferSent(Id, "t1", Other, 60, Owner, Now));

    [Fact]
    public void Sending_to_the_same_account_is_refused() =>
        Given(Opened(), Deposited(100)).ThenRejected(new AccountCommand.Send("t1", Id, 1, Owner, null, Now), SameAccount);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(MaxAmount + 1)]
    public void A_non_positive_or_absurd_amount_is_refused(long amount) =>
        Given(Opened(), Deposited(100)).ThenRejected(new AccountCommand.Send("t1", Other, amount, Owner, null, Now), InvalidAmount);
}

public class CreditTransferTests : AccountSpec
{
    [Fact]
    public void Crediting_a_transfer_adds_the_amount() =>
        Given(Opened()).Then(new AccountCommand.Receive("t1", Other, 60, "EUR", Now), new TransferCredited(Id, "t1", Other, 60, Now));

    [Fact]
    public void Crediting_the_same_transfer_twice_pays_once() =>
        Given(Opened()).ThenRepeatingIsANoOp(new AccountCommand.Receive("t1", Other, 60, "EUR", Now));

    [Fact]
    public void A_repeated_credit_succeeds_even_after_the_account_was_closed() =>
        Given(Opened(), new TransferCredited(Id, "t1", Other, 60, T0), new MoneyWithdrawn(Id, 60, Owner, T0), new AccountClosed(Id, Owner, T0))
            .Then(new AccountCommand.Receive("t1", Other, 60, "EUR", Now));

    [Fact]
    public void A_closed_account_refuses_credits() =>
        Given(Opened(), new AccountClosed(Id, Owner, T0)).ThenRejected(new AccountCommand.Receive("t1", Other, 1, "EUR", Now), Closed);

    [Fact]
    public void A_missing_account_refuses_credits() =>
        Given().ThenRejected(new AccountCommand.Receive("t1", Other, 1, "EUR", Now), NotFound);

    [Fact]
    public void Another_currency_is_refused() =>
        Given(Opened("EUR")).ThenRejected(new AccountCommand.Receive("t1", Other, 1, "USD", Now), CurrencyMismatch);

    [Fact]
    public void Crediting_beyond_the_largest_balance_is_refused()
    {
        var full = Enumerable.Repeat(Deposited(MaxAmount), (int)(MaxBalance / MaxAmount)).Prepend(Opened()).ToArray();
        Given(full).ThenRejected(new AccountCommand.Receive("t1", Other, 1, "EUR", Now), BalanceLimit);
    }

    [Fact]
    public void A_non_positive_amount_is_refused() =>
        Given(Opened()).ThenRejected(new AccountCommand.Receive("t1", Other, 0, "EUR", Now), InvalidAmount);
}

public class RefundTransferTests : AccountSpec
{
    private static readonly IAccountEvent Debited = new TransferDebited(Id, "t1", Other, 60, Owner, T0);

    [Fact]
    public void Refunding_gives_back_what_the_debit_took()
    {
        Given(Opened(), Deposited(100), Debited).Then(new AccountCommand.Refund("t1", "account-closed", Now), new TransferRefunded(Id, "t1", 60, "account-closed", Now));
        Assert.Equal(100, Given(Opened(), Deposited(100), Debited, new TransferRefunded(Id, "t1", 60, "x", T0)).State.Balance);
    }

    [Fact]
    public void Refunding_twice_gives_back_once() =>
        Given(Opened(), Deposited(100), Debited).ThenRepeatingIsANoOp(new AccountCommand.Refund("t1", "account-closed", Now));

    [Fact]
    public void A_transfer_never_debited_cannot_be_refunded() =>
        Given(Opened(), Deposited(100)).ThenRejected(new AccountCommand.Refund("t1", "x", Now), UnknownTransfer);

    [Fact]
    public void A_settled_transfer_cannot_be_refunded() =>
        Given(Opened(), Deposited(100), Debited, new TransferSettled(Id, "t1", T0)).ThenRejected(new AccountCommand.Refund("t1", "x", Now), AccountRejections.TransferSettled);

    [Fact]
    public void A_refund_allows_closing_again()
    {
        Given(Opened(), Deposited(60), Debited, new TransferRefunded(Id, "t1", 60, "x", T0), new MoneyWithdrawn(Id, 60, Owner, T0))
            .Then(new AccountCommand.Close(Owner, Now), new AccountClosed(Id, Owner, Now));
    }
}

public class SettleTransferTests : AccountSpec
{
    private static readonly IAccountEvent Debited = new TransferDebited(Id, "t1", Other, 60, Owner, T0);

    [Fact]
    public void Settling_ends_the_transfer_in_flight_without_moving_money()
    {
        Given(Opened(), Deposited(60), Debited).Then(new AccountCommand.Settle("t1", Now), new TransferSettled(Id, "t1", Now));
        var settled = Given(Opened(), Deposited(60), Debited, new TransferSettled(Id, "t1", T0)).State;
        Assert.Equal(0, settled.Balance);
        Assert.Empty(settled.Unsettled);
    }

    [Fact]
    public void Settling_twice_is_a_no_op() => Given(Opened(), Deposited(60), Debited).ThenRepeatingIsANoOp(new AccountCommand.Settle("t1", Now));

    [Fact]
    public void A_refunded_transfer_cannot_be_settled() =>
        Given(Opened(), Deposited(60), Debited, new TransferRefunded(Id, "t1", 60, "x", T0)).ThenRejected(new AccountCommand.Settle("t1", Now), AccountRejections.TransferRefunded);

    [Fact]
    public void A_transfer_never_debited_cannot_be_settled() =>
        Given(Opened()).ThenRejected(new AccountCommand.Settle("t1", Now), UnknownTransfer);
}

public class FirstAccountIdTests
{
    private static readonly Guid Nonce = Guid.Parse("4f1c2a9e-0b7d-4c55-9a3e-6d2f8b1e7c40");

    [Fact]
    public void The_first_account_id_of_a_registration_is_stable_and_distinct_per_user()
    {
        Assert.Equal(AccountIds.FirstAccountOf(42, Nonce), AccountIds.FirstAccountOf(42, Nonce));
        Assert.NotEqual(AccountIds.FirstAccountOf(42, Nonce), AccountIds.FirstAccountOf(43, Nonce));
        Assert.Equal('8', AccountIds.FirstAccountOf(42, Nonce).ToString()[14]); // RFC 9562 version 8
    }

    [Fact]
    public void The_first_account_id_cannot_be_computed_from_the_user_id_alone()
    {
        Assert.NotEqual(AccountIds.FirstAccountOf(42, Guid.Empty), AccountIds.FirstAccountOf(42, Nonce));
        Assert.NotEqual(AccountIds.FirstAccountOf(42, Guid.NewGuid()), AccountIds.FirstAccountOf(42, Guid.NewGuid()));
    }

    [Fact]
    public void Registrations_recorded_before_the_nonce_keep_the_id_their_account_was_opened_under()
    {
        // The derivation from the user id alone, as stored before: never changes.
        Assert.Equal(Guid.Parse("7b899742-3482-8708-bf79-ec9c08fbcbf1"), AccountIds.FirstAccountOf(42, Guid.Empty));
    }
}
