using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Actors.Users;

/// <summary>
/// Password hashes as stored in events: <c>pbkdf2-sha256$iterations$salt$hash</c> (salt 16 bytes, hash 32 bytes,
/// both base64). The iteration count travels with the hash, so the setting can be raised without breaking logins.
/// Hashing costs on the order of 100 ms at the default count: callers run it on the thread pool (the gateway),
/// never inside a grain turn, where it would stall every other grain on that scheduler thread.
/// </summary>
public static class PasswordHashing
{
    private const string Scheme = "pbkdf2-sha256";
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

    /// <summary>True when <paramref name="password"/> matches <paramref name="stored"/>; compared in constant time.</summary>
    public static bool Verify(string password, string stored)
    {
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
