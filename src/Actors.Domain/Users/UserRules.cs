using System.Text.RegularExpressions;

namespace Actors.Users;

/// <summary>Shape rules for names and passwords, checked before a password is hashed (the decider only sees hashes).</summary>
public static class UserRules
{
    /// <summary>Null when <paramref name="username"/> is acceptable, else the refusal (length first, then the pattern).</summary>
    public static Rejection? CheckUsername(string username, string pattern, int maxLength)
    {
        if (username.Length > maxLength)
        {
            return UserRejections.UsernameTooLong(maxLength);
        }

        // Culture-invariant, with a timeout: the pattern is a setting and the input is hostile.
        return Regex.IsMatch(username, pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100))
            ? null
            : UserRejections.BadUsername(pattern);
    }

    /// <summary>Null when <paramref name="password"/> is long enough and not absurdly long.</summary>
    public static Rejection? CheckPassword(string password, int minLength, int maxLength) =>
        password.Length < minLength ? UserRejections.PasswordTooShort(minLength)
        : password.Length > maxLength ? UserRejections.PasswordTooLong(maxLength)
        : null;
}
