using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Actors.Users;

/// <summary>
/// Password hashes as stored in events: <c>pbkdf2-sha256$iterations$salt$hash</c> (salt 16 bytes, hash 32 bytes,
/// both base64). The iteration count travels with the hash, so the setting can be raised without breaking logins.
/// Users imported from Lamernews keep its hash until their first login: <c>lamernews-pbkdf2-sha1$iterations$salt$hash</c>
/// (the 40-hex-character salt string itself is the PBKDF2 salt, HMAC-SHA1, 20 bytes, lowercase hex, as Lamernews'
/// <c>hash_password</c> computes it); <see cref="NeedsUpgrade"/> tells the login to replace it with ours.
/// Hashing costs on the order of 100 ms at the default count: callers run it on the thread pool (the gateway),
/// never inside a grain turn, where it would stall every other grain on that scheduler thread.
/// </summary>
public static class PasswordHashing
{
    private const string Scheme = "pbkdf2-sha256";
    private const string LamernewsScheme = "lamernews-pbkdf2-sha1";
    private const int LamernewsHashBytes = 20;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>A new hash of <paramref name="password"/> with a fresh random salt.</summary>
    public static string Hash(string password, int iterations) => Hash(password, iterations, RandomNumberGenerator.GetBytes(SaltBytes));

    /// <summary>The hash of <paramref name="password"/> with a given salt (deterministic; for tests).</summary>
    public static string Hash(string password, int iterations, byte[] salt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>
    /// The stored form of a Lamernews user's hash (<c>user:&lt;id&gt;</c> fields <c>salt</c> and <c>password</c>), kept as it
    /// is so the old password keeps working. A salt or hash of another shape gives a hash nothing matches.
    /// </summary>
    public static string FromLamernews(string salt, string hexHash, int iterations = 1000) =>
        string.Create(CultureInfo.InvariantCulture, $"{LamernewsScheme}${iterations}${salt}${hexHash.ToLowerInvariant()}");

    /// <summary>What Lamernews stores in <c>password</c> for <paramref name="password"/> and <paramref name="salt"/> (hex).</summary>
    public static string LamernewsHex(string password, string salt, int iterations = 1000) =>
        Convert.ToHexStringLower(Rfc2898DeriveBytes.Pbkdf2(
            Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), iterations, HashAlgorithmName.SHA1, LamernewsHashBytes));

    /// <summary>True for a hash of an older scheme (Lamernews'), which a successful login replaces with a current one.</summary>
    public static bool NeedsUpgrade(string stored) => stored.StartsWith(LamernewsScheme + "$", StringComparison.Ordinal);

    /// <summary>True when <paramref name="password"/> matches <paramref name="stored"/>; compared in constant time.</summary>
    public static bool Verify(string password, string stored)
    {
        if (NeedsUpgrade(stored))
        {
            return VerifyLamernews(password, stored);
        }

        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool VerifyLamernews(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1
            || parts[2].Length == 0 || parts[3].Length != LamernewsHashBytes * 2)
        {
            return false;
        }

        byte[] expected;
        try
        {
            expected = Convert.FromHexString(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(
            Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(parts[2]), iterations, HashAlgorithmName.SHA1, LamernewsHashBytes);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A random session token or API secret: 20 bytes as 40 lowercase hex characters, as Lamernews makes them.</summary>
    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    /// <summary>
    /// What is stored of a password-reset token: its SHA-256 (hex). The token is 160 random bits, so a fast hash is
    /// enough; a leaked event log then gives nobody a usable link.
    /// </summary>
    public static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>True when <paramref name="value"/> has the shape of <see cref="NewToken"/> (checked before any lookup).</summary>
    public static bool IsTokenShaped(string? value) =>
        value is { Length: 40 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
