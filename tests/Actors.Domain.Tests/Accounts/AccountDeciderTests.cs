using Actors.Accounts;
using static Actors.Accounts.AccountRules;

namespace Actors.Tests.Accounts;

public class OpenAccountTests : AccountSpec
{
    [Fact]
    public void Opening_a_new_account_records_owner_and_currency() =>
        Given().Then(new OpenAccount(Id, Owner, "EUR", Now), new AccountOpened(Id, Owner, "EUR", Now));

    [Fact]
    public void Opening_the_same_account_again_is_a_no_op() =>
        Given().ThenRepeatingIsANoOp(new OpenAccount(Id, Owner, "EUR", Now));

    [Fact]
    public void Opening_an_existing_id_for_someone_else_is_refused() =>
        Given(Opened()).ThenRejected(new OpenAccount(Id, Stranger, "EUR", Now), AccountExists);

    [Fact]
    public void Opening_an_existing_id_in_another_currency_is_refused() =>
        Given(Opened()).ThenRejected(new OpenAccount(Id, Owner, "USD", Now), AccountExists);

    [Theory]
    [InlineData("")]
    [InlineData("eur")]
    [InlineData("EURO")]
    [InlineData("E1R")]
    public void A_currency_that_is_not_an_iso_code_is_refused(string currency) =>
        Given().ThenRejected(new OpenAccount(Id, Owner, currency, Now), InvalidCurrency);

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
        Given(Opened()).Then(new DepositMoney(500, Owner, Now), new MoneyDeposited(Id, 500, Owner, Now));
        Assert.Equal(800, Given(Opened(), Deposited(300), Deposited(500)).State.Balance);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    [InlineData(MaxAmount + 1)]
    [InlineData(long.MaxValue)]
    public void A_non_positive_or_absurd_amount_is_refused(long amount) =>
        Given(Opened()).ThenRejected(new DepositMoney(amount, Owner, Now), InvalidAmount);

    [Fact]
    public void Depositing_beyond_the_largest_balance_is_refused_without_overflow()
    {
        var full = Enumerable.Repeat(Deposited(MaxAmount), (int)(MaxBalance / MaxAmount)).Prepend(Opened()).ToArray();
        Given(full).ThenRejected(new DepositMoney(1, Owner, Now), BalanceLimit);
    }

    [Fact]
    public void Depositing_into_an_account_never_opened_is_refused() =>
        Given().ThenRejected(new DepositMoney(1, Owner, Now), AccountNotFound);

    [Fact]
    public void Depositing_into_a_closed_account_is_refused() =>
        Given(Opened(), new AccountClosed(Id, Owner, T0)).ThenRejected(new DepositMoney(1, Owner, Now), AccountRules.AccountClosed);
}

public class WithdrawMoneyTests : AccountSpec
{
    [Fact]
    public void Withdrawing_takes_from_the_balance() =>
        Given(Opened(), Deposited(500)).Then(new WithdrawMoney(500, Owner, Now), new MoneyWithdrawn(Id, 500, Owner, Now));

    [Fact]
    public void Withdrawing_more_than_the_balance_is_refused() =>
        Given(Opened(), Deposited(500)).ThenRejected(new WithdrawMoney(501, Owner, Now), InsufficientFunds);

    [Fact]
    public void Only_the_owner_can_withdraw() =>
        Given(Opened(), Deposited(500)).ThenRejected(new WithdrawMoney(1, Stranger, Now), NotOwner);

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(MaxAmount + 1)]
    public void A_non_positive_or_absurd_amount_is_refused(long amount) =>
        Given(Opened(), Deposited(500)).ThenRejected(new WithdrawMoney(amount, Owner, Now), InvalidAmount);

    [Fact]
    public void Withdrawing_from_a_closed_account_is_refused() =>
        Given(Opened(), new AccountClosed(Id, Owner, T0)).ThenRejected(new WithdrawMoney(1, Owner, Now), AccountRules.AccountClosed);

    [Fact]
    public void Withdrawing_from_an_account_never_opened_is_refused() =>
        Given().ThenRejected(new WithdrawMoney(1, Owner, Now), AccountNotFound);
}

public class CloseAccountTests : AccountSpec
{
    [Fact]
    public void An_empty_account_can_be_closed() =>
        Given(Opened()).Then(new CloseAccount(Owner, Now), new AccountClosed(Id, Owner, Now));

    [Fact]
    public void Closing_twice_is_a_no_op() => Given(Opened()).ThenRepeatingIsANoOp(new CloseAccount(Owner, Now));

    [Fact]
    public void An_account_with_money_cannot_be_closed() =>
        Given(Opened(), Deposited(1)).ThenRejected(new CloseAccount(Owner, Now), BalanceNotZero);

    [Fact]
    public void Only_the_owner_can_close() => Given(Opened()).ThenRejected(new CloseAccount(Stranger, Now), NotOwner);

    [Fact]
    public void An_account_with_an_outgoing_transfer_in_flight_cannot_be_closed() =>
        Given(Opened(), Deposited(10), new TransferDebited(Id, "t1", Other, 10, Owner, T0))
            .ThenRejected(new CloseAccount(Owner, Now), TransfersInFlight);

    [Fact]
    public void Closing_an_account_never_opened_is_refused() => Given().ThenRejected(new CloseAccount(Owner, Now), AccountNotFound);

    [Fact]
    public void A_closed_account_still_reads_as_closed() =>
        Assert.Equal("closed", Given(Opened(), new AccountClosed(Id, Owner, T0)).State.ToView(2)!.Status);
}

public class DebitTransferTests : AccountSpec
{
    [Fact]
    public void Debiting_a_transfer_takes_the_amount_out() =>
        Given(Opened(), Deposited(100)).Then(new DebitTransfer("t1", Other, 60, Owner, Now), new TransferDebited(Id, "t1", Other, 60, Owner, Now));

    [Fact]
    public void Debiting_the_same_transfer_twice_takes_the_money_once() =>
        Given(Opened(), Deposited(100)).ThenRepeatingIsANoOp(new DebitTransfer("t1", Other, 60, Owner, Now));

    [Fact]
    public void A_repeated_debit_succeeds_even_when_the_balance_is_now_too_low() =>
        Given(Opened(), Deposited(100), new TransferDebited(Id, "t1", Other, 100, Owner, T0))
            .Then(new DebitTransfer("t1", Other, 100, Owner, Now));

    [Fact]
    public void Debiting_more_than_the_balance_is_refused() =>
        Given(Opened(), Deposited(100)).ThenRejected(new DebitTransfer("t1", Other, 101, Owner, Now), InsufficientFunds);

    [Fact]
    public void Only_the_owner_can_transfer_out() =>
        Given(Opened(), Deposited(100)).ThenRejected(new DebitTransfer("t1", Other, 1, Stranger, Now), NotOwner);

    [Fact]
    public void A_closed_account_cannot_transfer_out() =>
        Given(Opened(), new AccountClosed(Id, Owner, T0)).ThenRejected(new DebitTransfer("t1", Other, 1, Owner, Now), AccountRules.AccountClosed);

    [Fact]
    public void A_missing_account_cannot_transfer_out() =>
        Given().ThenRejected(new DebitTransfer("t1", Other, 1, Owner, Now), AccountNotFound);

    [Fact]
    public void Transferring_to_the_same_account_is_refused() =>
        Given(Opened(), Deposited(100)).ThenRejected(new DebitTransfer("t1", Id, 1, Owner, Now), SameAccount);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(MaxAmount + 1)]
    public void A_non_positive_or_absurd_amount_is_refused(long amount) =>
        Given(Opened(), Deposited(100)).ThenRejected(new DebitTransfer("t1", Other, amount, Owner, Now), InvalidAmount);
}

public class SendTransferTests : AccountSpec
{
    [Fact]
    public void Sending_a_transfer_takes_the_amount_out_for_good() =>
        Given(Opened(), Deposited(100)).Then(new SendTransfer("t1", Other, 60, Owner, null, Now), new TransferSent(Id, "t1", Other, 60, Owner, Now));

    [Fact]
    public void A_sent_transfer_is_already_settled_and_can_never_be_refunded()
    {
        Given(Opened(), Deposited(100), new TransferSent(Id, "t1", Other, 60, Owner, T0));

        Then(new SettleTransfer("t1", Now));
        ThenRejected(new RefundTransfer("t1", AccountNotFound, Now), TransferSettledAlready);
        Then(new DebitTransfer("t1", Other, 60, Owner, Now));
    }

    [Fact]
    public void Sending_the_same_transfer_twice_takes_the_money_once() =>
        Given(Opened(), Deposited(100)).ThenRepeatingIsANoOp(new SendTransfer("t1", Other, 60, Owner, null, Now));

    [Fact]
    public void A_sent_transfer_leaves_nothing_in_flight_so_the_emptied_account_can_close()
    {
        var sent = Account.Decide(new SendTransfer("t1", Other, 100, Owner, null, Now), Given(Opened(), Deposited(100)).State);
        var after = sent.Events.Aggregate(State, Account.Evolve);

        Assert.Equal(0, after.Balance);
        Assert.Empty(after.Unsettled);
        Assert.Single(Account.Decide(new CloseAccount(Owner, Now), after).Events);
    }

    [Fact]
    public void A_transfer_already_debited_step_by_step_is_not_sent_again() =>
        Given(Opened(), Deposited(100), new TransferDebited(Id, "t1", Other, 60, Owner, T0)).Then(new SendTransfer("t1", Other, 60, Owner, null, Now));

    [Fact]
    public void Sending_more_than_the_balance_is_refused() =>
        Given(Opened(), Deposited(100)).ThenRejected(new SendTransfer("t1", Other, 101, Owner, null, Now), InsufficientFunds);

    [Fact]
    public void Only_the_owner_can_send() =>
        Given(Opened(), Deposited(100)).ThenRejected(new SendTransfer("t1", Other, 1, Stranger, null, Now), NotOwner);

    [Fact]
    public void A_closed_account_cannot_send() =>
        Given(Opened(), new AccountClosed(Id, Owner, T0)).ThenRejected(new SendTransfer("t1", Other, 1, Owner, null, Now), AccountRules.AccountClosed);

    [Fact]
    public void Sending_to_an_account_of_another_currency_is_refused() =>
        Given(Opened("EUR"), Deposited(100)).ThenRejected(new SendTransfer("t1", Other, 1, Owner, "USD", Now), CurrencyMismatch);

    [Fact]
    public void Sending_to_an_account_of_the_same_currency_is_accepted() =>
        Given(Opened("EUR"), Deposited(100)).Then(new SendTransfer("t1", Other, 60, Owner, "EUR", Now), new TransferSent(Id, "t1", Other, 60, Owner, Now));

    [Fact]
    public void Sending_to_the_same_account_is_refused() =>
        Given(Opened(), Deposited(100)).ThenRejected(new SendTransfer("t1", Id, 1, Owner, null, Now), SameAccount);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(MaxAmount + 1)]
    public void A_non_positive_or_absurd_amount_is_refused(long amount) =>
        Given(Opened(), Deposited(100)).ThenRejected(new SendTransfer("t1", Other, amount, Owner, null, Now), InvalidAmount);
}

public class CreditTransferTests : AccountSpec
{
    [Fact]
    public void Crediting_a_transfer_adds_the_amount() =>
        Given(Opened()).Then(new CreditTransfer("t1", Other, 60, "EUR", Now), new TransferCredited(Id, "t1", Other, 60, Now));

    [Fact]
    public void Crediting_the_same_transfer_twice_pays_once() =>
        Given(Opened()).ThenRepeatingIsANoOp(new CreditTransfer("t1", Other, 60, "EUR", Now));

    [Fact]
    public void A_repeated_credit_succeeds_even_after_the_account_was_closed() =>
        Given(Opened(), new TransferCredited(Id, "t1", Other, 60, T0), new MoneyWithdrawn(Id, 60, Owner, T0), new AccountClosed(Id, Owner, T0))
            .Then(new CreditTransfer("t1", Other, 60, "EUR", Now));

    [Fact]
    public void A_closed_account_refuses_credits() =>
        Given(Opened(), new AccountClosed(Id, Owner, T0)).ThenRejected(new CreditTransfer("t1", Other, 1, "EUR", Now), AccountRules.AccountClosed);

    [Fact]
    public void A_missing_account_refuses_credits() =>
        Given().ThenRejected(new CreditTransfer("t1", Other, 1, "EUR", Now), AccountNotFound);

    [Fact]
    public void Another_currency_is_refused() =>
        Given(Opened("EUR")).ThenRejected(new CreditTransfer("t1", Other, 1, "USD", Now), CurrencyMismatch);

    [Fact]
    public void Crediting_beyond_the_largest_balance_is_refused()
    {
        var full = Enumerable.Repeat(Deposited(MaxAmount), (int)(MaxBalance / MaxAmount)).Prepend(Opened()).ToArray();
        Given(full).ThenRejected(new CreditTransfer("t1", Other, 1, "EUR", Now), BalanceLimit);
    }

    [Fact]
    public void A_non_positive_amount_is_refused() =>
        Given(Opened()).ThenRejected(new CreditTransfer("t1", Other, 0, "EUR", Now), InvalidAmount);
}

public class RefundTransferTests : AccountSpec
{
    private static readonly IAccountEvent Debited = new TransferDebited(Id, "t1", Other, 60, Owner, T0);

    [Fact]
    public void Refunding_gives_back_what_the_debit_took()
    {
        Given(Opened(), Deposited(100), Debited).Then(new RefundTransfer("t1", "account-closed", Now), new TransferRefunded(Id, "t1", 60, "account-closed", Now));
        Assert.Equal(100, Given(Opened(), Deposited(100), Debited, new TransferRefunded(Id, "t1", 60, "x", T0)).State.Balance);
    }

    [Fact]
    public void Refunding_twice_gives_back_once() =>
        Given(Opened(), Deposited(100), Debited).ThenRepeatingIsANoOp(new RefundTransfer("t1", "account-closed", Now));

    [Fact]
    public void A_transfer_never_debited_cannot_be_refunded() =>
        Given(Opened(), Deposited(100)).ThenRejected(new RefundTransfer("t1", "x", Now), UnknownTransfer);

    [Fact]
    public void A_settled_transfer_cannot_be_refunded() =>
        Given(Opened(), Deposited(100), Debited, new TransferSettled(Id, "t1", T0)).ThenRejected(new RefundTransfer("t1", "x", Now), TransferSettledAlready);

    [Fact]
    public void A_refund_allows_closing_again()
    {
        Given(Opened(), Deposited(60), Debited, new TransferRefunded(Id, "t1", 60, "x", T0), new MoneyWithdrawn(Id, 60, Owner, T0))
            .Then(new CloseAccount(Owner, Now), new AccountClosed(Id, Owner, Now));
    }
}

public class SettleTransferTests : AccountSpec
{
    private static readonly IAccountEvent Debited = new TransferDebited(Id, "t1", Other, 60, Owner, T0);

    [Fact]
    public void Settling_ends_the_transfer_in_flight_without_moving_money()
    {
        Given(Opened(), Deposited(60), Debited).Then(new SettleTransfer("t1", Now), new TransferSettled(Id, "t1", Now));
        var settled = Given(Opened(), Deposited(60), Debited, new TransferSettled(Id, "t1", T0)).State;
        Assert.Equal(0, settled.Balance);
        Assert.Empty(settled.Unsettled);
    }

    [Fact]
    public void Settling_twice_is_a_no_op() => Given(Opened(), Deposited(60), Debited).ThenRepeatingIsANoOp(new SettleTransfer("t1", Now));

    [Fact]
    public void A_refunded_transfer_cannot_be_settled() =>
        Given(Opened(), Deposited(60), Debited, new TransferRefunded(Id, "t1", 60, "x", T0)).ThenRejected(new SettleTransfer("t1", Now), TransferRefundedAlready);

    [Fact]
    public void A_transfer_never_debited_cannot_be_settled() =>
        Given(Opened()).ThenRejected(new SettleTransfer("t1", Now), UnknownTransfer);
}

public class FirstAccountIdTests
{
    [Fact]
    public void The_first_account_id_of_a_user_is_stable_and_distinct_per_user()
    {
        Assert.Equal(AccountIds.FirstAccountOf(42), AccountIds.FirstAccountOf(42));
        Assert.NotEqual(AccountIds.FirstAccountOf(42), AccountIds.FirstAccountOf(43));
        Assert.Equal(Guid.Parse("00000000-0000-8000-8000-000000000000").ToString()[14], AccountIds.FirstAccountOf(42).ToString()[14]);
    }
}
