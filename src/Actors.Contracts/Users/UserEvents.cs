namespace Actors.Users;

// The events of stream users-{id} besides UserCreated. Credentials live in their own events so that UserCreated,
// which many consumers read, never carries them. Storage format: [Id]s and aliases are never renumbered.

/// <summary>The user's first credentials: password hash (self-describing, see PasswordHashing), session token and API secret.</summary>
[GenerateSerializer, Immutable, Alias("users.credentials-issued")]
public sealed record UserCredentialsIssued(
    [property: Id(0)] long UserId,
    [property: Id(1)] string PasswordHash,
    [property: Id(2)] string AuthToken,
    [property: Id(3)] string ApiSecret,
    [property: Id(4)] DateTimeOffset At) : IUserEvent;

/// <summary>The user became an administrator (the first user does at registration).</summary>
[GenerateSerializer, Immutable, Alias("users.admin-granted")]
public sealed record UserAdminGranted(
    [property: Id(0)] long UserId,
    [property: Id(1)] DateTimeOffset At) : IUserEvent;

/// <summary>The session token was replaced (logout before UserSessionsEnded existed): every session of the user ends.</summary>
[GenerateSerializer, Immutable, Alias("users.auth-token-rotated")]
public sealed record UserAuthTokenRotated(
    [property: Id(0)] long UserId,
    [property: Id(1)] string AuthToken,
    [property: Id(2)] DateTimeOffset At) : IUserEvent;

/// <summary>The user changed the public part of the profile (already cut to the allowed lengths).</summary>
[GenerateSerializer, Immutable, Alias("users.profile-updated")]
public sealed record UserProfileUpdated(
    [property: Id(0)] long UserId,
    [property: Id(1)] string About,
    [property: Id(2)] string Email,
    [property: Id(3)] DateTimeOffset At) : IUserEvent;

/// <summary>The user chose a new password. Since UserSessionsEnded exists, a change is followed by that event in the same commit.</summary>
[GenerateSerializer, Immutable, Alias("users.password-changed")]
public sealed record UserPasswordChanged(
    [property: Id(0)] long UserId,
    [property: Id(1)] string PasswordHash,
    [property: Id(2)] DateTimeOffset At) : IUserEvent;

/// <summary>The hourly karma increment for an active user.</summary>
[GenerateSerializer, Immutable, Alias("users.karma-incremented")]
public sealed record UserKarmaIncremented(
    [property: Id(0)] long UserId,
    [property: Id(1)] int Amount,
    [property: Id(2)] DateTimeOffset At) : IUserEvent;

/// <summary>The user paid karma (e.g. for a vote); <see cref="Reason"/> says what for.</summary>
[GenerateSerializer, Immutable, Alias("users.karma-spent")]
public sealed record UserKarmaSpent(
    [property: Id(0)] long UserId,
    [property: Id(1)] int Amount,
    [property: Id(2)] string Reason,
    [property: Id(3)] DateTimeOffset At) : IUserEvent;

/// <summary>The user earned karma through event (<see cref="SourceStream"/>, <see cref="SourceVersion"/>) of another aggregate.</summary>
[GenerateSerializer, Immutable, Alias("users.karma-credited")]
public sealed record UserKarmaCredited(
    [property: Id(0)] long UserId,
    [property: Id(1)] int Amount,
    [property: Id(2)] string SourceStream,
    [property: Id(3)] long SourceVersion,
    [property: Id(4)] DateTimeOffset At) : IUserEvent;

/// <summary>Someone replied to one of the user's comments (event <see cref="SourceStream"/>/<see cref="SourceVersion"/>).</summary>
[GenerateSerializer, Immutable, Alias("users.reply-noted")]
public sealed record UserReplyNoted(
    [property: Id(0)] long UserId,
    [property: Id(1)] string SourceStream,
    [property: Id(2)] long SourceVersion,
    [property: Id(3)] DateTimeOffset At) : IUserEvent;

/// <summary>The user read the replies page: the unread-replies counter is back to 0.</summary>
[GenerateSerializer, Immutable, Alias("users.replies-read")]
public sealed record UserRepliesRead(
    [property: Id(0)] long UserId,
    [property: Id(1)] DateTimeOffset At) : IUserEvent;

/// <summary>A password-reset mail was requested (at most one per PasswordResetDelaySeconds).</summary>
[GenerateSerializer, Immutable, Alias("users.password-reset-requested")]
public sealed record UserPasswordResetRequested(
    [property: Id(0)] long UserId,
    [property: Id(1)] DateTimeOffset At) : IUserEvent;

/// <summary>
/// A single-use password-reset link was issued: only the SHA-256 of its random token is kept (the token itself goes
/// into the mail and nowhere else), valid until <see cref="ExpiresAt"/>. A later issue replaces an earlier one.
/// </summary>
[GenerateSerializer, Immutable, Alias("users.password-reset-issued")]
public sealed record UserPasswordResetIssued(
    [property: Id(0)] long UserId,
    [property: Id(1)] string TokenHash,
    [property: Id(2)] DateTimeOffset ExpiresAt,
    [property: Id(3)] DateTimeOffset At) : IUserEvent;

/// <summary>The outstanding password-reset link was used (a second use fails); the new password follows in its own event.</summary>
[GenerateSerializer, Immutable, Alias("users.password-reset-used")]
public sealed record UserPasswordResetUsed(
    [property: Id(0)] long UserId,
    [property: Id(1)] DateTimeOffset At) : IUserEvent;

/// <summary>
/// Every session of the user ended: a new session token and a new API secret replace the old ones (logout, a password
/// change, a completed reset). Supersedes <see cref="UserAuthTokenRotated"/>, which kept the API secret.
/// </summary>
[GenerateSerializer, Immutable, Alias("users.sessions-ended")]
public sealed record UserSessionsEnded(
    [property: Id(0)] long UserId,
    [property: Id(1)] string AuthToken,
    [property: Id(2)] string ApiSecret,
    [property: Id(3)] DateTimeOffset At) : IUserEvent;

/// <summary>Events of the username registry (stream <c>usernames-{lower-cased name}</c>).</summary>
public interface IUsernameEvent;

/// <summary>A lower-cased user name was taken by user <see cref="UserId"/>; names are unique case-insensitively.</summary>
[GenerateSerializer, Immutable, Alias("usernames.username-claimed")]
public sealed record UsernameClaimed(
    [property: Id(0)] string Username,
    [property: Id(1)] long UserId,
    [property: Id(2)] DateTimeOffset At) : IUsernameEvent;

/// <summary>
/// A password hash of an older scheme (a user imported from Lamernews) was replaced by a current hash of the same
/// password at a successful login. Unlike <see cref="UserPasswordChanged"/> it ends no session: the password is the same.
/// </summary>
[GenerateSerializer, Immutable, Alias("users.password-upgraded")]
public sealed record UserPasswordUpgraded(
    [property: Id(0)] long UserId,
    [property: Id(1)] string PasswordHash,
    [property: Id(2)] DateTimeOffset At) : IUserEvent;

/// <summary>
/// The unread-replies counter of a user imported from another site (Lamernews' <c>replies</c> field): the replies it
/// counts were written before the import, so no <see cref="UserReplyNoted"/> stands for them.
/// </summary>
[GenerateSerializer, Immutable, Alias("users.unread-replies-imported")]
public sealed record UserUnreadRepliesImported(
    [property: Id(0)] long UserId,
    [property: Id(1)] int Count,
    [property: Id(2)] DateTimeOffset At) : IUserEvent;
