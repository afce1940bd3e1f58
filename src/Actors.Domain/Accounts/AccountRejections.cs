using static Actors.Accounts.AccountRules;

namespace Actors.Accounts;

/// <summary>
/// The refusals of the accounts slice (transfers included). Codes are <c>accounts.&lt;reason&gt;</c>; the doors and a
/// failed transfer's record show the reason alone (<see cref="ReasonOf"/>), as they always have.
/// </summary>
public static class AccountRejections
{
    public static readonly Rejection NotFound = New("account-not-found", "No such account.");
    public static readonly Rejection Exists = New("account-exists", "An account with this id already exists.");
    public static readonly Rejection Closed = New("account-closed", "The account is closed.");
    public static readonly Rejection NotOwner = New("not-owner", "Only the owner of the account can do this.");
    public static readonly Rejection InvalidAmount = New("invalid-amount", $"The amount must be a whole number of minor units between 1 and {MaxAmount}.");
    public static readonly Rejection InvalidCurrency = New("invalid-currency", "The currency must be a three-letter ISO 4217 code such as EUR.");
    public static readonly Rejection InsufficientFunds = New("insufficient-funds", "The balance is too low for this amount.");
    public static readonly Rejection BalanceLimit = New("balance-limit", "The account would exceed the largest balance allowed.");
    public static readonly Rejection BalanceNotZero = New("balance-not-zero", "Only an account with a zero balance can be closed.");
    public static readonly Rejection TransfersInFlight = New("transfers-in-flight", "A transfer from this account is still in progress; try again shortly.");
    public static readonly Rejection CurrencyMismatch = New("currency-mismatch", "The two accounts hold different currencies.");
    public static readonly Rejection UnknownTransfer = New("unknown-transfer", "This account was never debited for this transfer.");
    public static readonly Rejection TransferSettled = New("transfer-settled", "This transfer reached its target; it cannot be refunded.");
    public static readonly Rejection TransferRefunded = New("transfer-refunded", "This transfer was refunded; it cannot be settled.");
    public static readonly Rejection SameAccount = New("same-account", "A transfer needs two different accounts.");
    public static readonly Rejection InvalidTransferId = New("invalid-transfer-id", $"A transfer id is 1 to {MaxTransferIdLength} letters, digits, '-' or '_'.");
    public static readonly Rejection TransferConflict = New("transfer-conflict", "This transfer id was already used for a different transfer.");

    private const string Prefix = "accounts.";

    /// <summary>The reason of a rejection code without the slice (<c>accounts.insufficient-funds</c> -> <c>insufficient-funds</c>).</summary>
    public static string ReasonOf(string code) => code.StartsWith(Prefix, StringComparison.Ordinal) ? code[Prefix.Length..] : code;

    private static Rejection New(string reason, string message) => new(Prefix + reason, message);
}
