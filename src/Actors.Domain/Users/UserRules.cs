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

        // Culture-invariant, with a timeout: the pattern is a setting and the input is hostile. The match must cover
        // the whole name: '$' also matches before a final newline (in Ruby, before any newline), which would let
        // "name\n" through.
        try
        {
            var match = Regex.Match(username, pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            return match.Success && match.Index == 0 && match.Length == username.Length
                ? null
                : UserRejections.BadUsername(pattern);
        }
        catch (RegexMatchTimeoutException)
        {
            return UserRejections.BadUsername(pattern);
        }
    }

    /// <summary>Null when <paramref name="password"/> is long enough and not absurdly long.</summary>
    public static Rejection? CheckPassword(string password, int minLength, int maxLength) =>
        password.Length < minLength ? UserRejections.PasswordTooShort(minLength)
        : password.Length > maxLength ? UserRejections.PasswordTooLong(maxLength)
        : null;
}
