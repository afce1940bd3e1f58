namespace Actors.Accounts;

/// <summary>Limits of the accounts slice (its refusals are in <see cref="AccountRejections"/>).</summary>
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

    /// <summary>
    /// A transfer's key may hold a transfer of <paramref name="requester"/>: the requester's own scoped key
    /// (<c>AccountIds.TransferKeyOf</c>), or a bare id as every key was before ids were scoped.
    /// </summary>
    public static bool IsTransferKeyOf(string? key, long requester)
    {
        if (IsValidTransferId(key))
        {
            return true;
        }

        var dot = key?.IndexOf('.') ?? -1;
        return dot > 0 && IsValidTransferId(key![(dot + 1)..]) && key.AsSpan(0, dot).SequenceEqual(requester.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
