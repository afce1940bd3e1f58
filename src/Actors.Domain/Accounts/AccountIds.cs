using System.Security.Cryptography;
using System.Text;

namespace Actors.Accounts;

public static class AccountIds
{
    /// <summary>
    /// The id of the first account opened for a registration: derived from the user id and the registration's random
    /// <paramref name="nonce"/> (<c>UserCreated.Nonce</c>; a name-based, RFC 9562 version-8 Guid), so every delivery of
    /// the same registration event opens the same account, yet nobody can compute another user's account id from their
    /// user id. Registrations recorded before the nonce existed (empty) keep the derivation from the user id alone, which
    /// anyone could compute: the accounts they opened exist under those ids. Part of the storage contract: never change
    /// either derivation.
    /// </summary>
    public static Guid FirstAccountOf(long userId, Guid nonce) =>
        NameBased(nonce == Guid.Empty ? $"actors.accounts.first-account/{userId}" : $"actors.accounts.first-account/{userId}/{nonce:N}");

    private static Guid NameBased(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8 (custom)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The log stream of an account: <c>accounts-{guid:N}</c>.</summary>
    public static string StreamOf(Guid accountId) => $"accounts-{accountId:N}";

    /// <summary>
    /// The key of the transfer <paramref name="requester"/> asked for under <paramref name="transferId"/>:
    /// <c>{requester}.{transferId}</c>. Client ids are scoped to their requester, so nobody can take (or probe, by a
    /// 409) an id another user will use; '.' is not allowed in client ids, so a scoped key never equals one of the global
    /// ids transfers had before (which stay readable under their own key).
    /// </summary>
    public static string TransferKeyOf(long requester, string transferId) =>
        $"{requester.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{transferId}";

    /// <summary>The log stream of a transfer: <c>transfers-{key}</c> (see <see cref="TransferKeyOf"/>).</summary>
    public static string TransferStreamOf(string transferId) => $"transfers-{transferId}";
}
