namespace Actors.Users;

/// <summary>The refusals of the users slice. Messages are the Lamernews sentences where the reference has one.</summary>
public static class UserRejections
{
    public static readonly Rejection RequiredFields = new("users.required", "Username and password are two required fields.");
    public static readonly Rejection NameTaken = new("users.name-taken", "Username is already taken, please try a different one.");
    public static readonly Rejection TooManyAccounts = new("users.creation-limit", "Please wait some time before creating a new user.");
    public static readonly Rejection NoMatch = new("users.no-match", "No match for the specified username / password pair.");
    public static readonly Rejection Unknown = new("users.unknown", "No such user.");
    public static readonly Rejection AlreadyExists = new("users.exists", "This user already exists.");
    public static readonly Rejection NotEnoughKarma = new("users.karma", "Not enough karma.");
    public static readonly Rejection ResetRequired = new("users.reset-required", "Username and email are two required fields.");
    public static readonly Rejection ResetNoMatch = new("users.reset-no-match", "No match for the specified username / email pair.");
    public static readonly Rejection ResetTooSoon = new("users.reset-too-soon", "Sorry, not enough time elapsed since last password reset request.");

    public static readonly Rejection ResetLinkInvalid = new("users.reset-link-invalid", "Link invalid or expired.");

    public static Rejection BadUsername(string pattern) => new("users.bad-username", $"Username must match /{pattern}/");

    public static Rejection UsernameTooLong(int max) => new("users.username-too-long", $"Username is too long. Max length: {max}");

    public static Rejection PasswordTooShort(int min) => new("users.password-too-short", $"Password is too short. Min length: {min}");

    public static Rejection PasswordTooLong(int max) => new("users.password-too-long", $"Password is too long. Max length: {max}");
}
