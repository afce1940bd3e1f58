namespace Actors.Accounts;

/// <summary>Limits and stable rejection codes of the accounts slice (the codes decide the HTTP status of REST routes).</summary>
public static class AccountRules
{
    /// <summary>
    /// The largest amount of one operation, in minor units (10 billion in a two-decimal currency). Together with
    /// <see cref="MaxBalance"/> it keeps every sum far from <see cref="long.MaxValue"/>: no arithmetic can overflow.
    /// </summary>
    public const long MaxAmount = 1_000_000_000_000;

    /// <summary>The largest balance an account may reach, in minor units.</summary>
    public const long MaxBalance = 1_000_000_000_000_000;

    /// <summary>The currency of an account opened without one (and of a new user's first account).</summary>
    public const string DefaultCurrency = "EUR";

    public const string AccountNotFound = "account-not-found";
    public const string AccountExists = "account-exists";
    public const string AccountClosed = "account-closed";
    public const string NotOwner = "not-owner";
    public const string InvalidAmount = "invalid-amount";
    public const string InvalidCurrency = "invalid-currency";
    public const string InsufficientFunds = "insufficient-funds";
    public const string BalanceLimit = "balance-limit";
    public const string BalanceNotZero = "balance-not-zero";
    public const string TransfersInFlight = "transfers-in-flight";
    public const string CurrencyMismatch = "currency-mismatch";
    public const string UnknownTransfer = "unknown-transfer";
    public const string TransferSettledAlready = "transfer-settled";
    public const string TransferRefundedAlready = "transfer-refunded";
    public const string SameAccount = "same-account";
    public const string InvalidTransferId = "invalid-transfer-id";
    public const string TransferConflict = "transfer-conflict";

    public static bool IsValidAmount(long amount) => amount is > 0 and <= MaxAmount;

    /// <summary>An ISO 4217-shaped code: three upper-case ASCII letters.</summary>
    public static bool IsValidCurrency(string? currency) =>
        currency is { Length: 3 } && currency.All(char.IsAsciiLetterUpper);

    /// <summary>Maximum length of a client-supplied transfer id.</summary>
    public const int MaxTransferIdLength = 64;

    /// <summary>
    /// A transfer id becomes part of a log stream id and a grain key: 1-64 ASCII letters, digits, '-' or '_'.
    /// </summary>
    public static bool IsValidTransferId(string? id) =>
        id is { Length: > 0 and <= MaxTransferIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
