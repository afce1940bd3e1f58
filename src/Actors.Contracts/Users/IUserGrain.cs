using Actors.EventSourcing;
using Actors.News;

namespace Actors.Users;

/// <summary>
/// A user account (keyed by the numeric user id; id 1 is the first user and an admin). The seam other slices use:
/// news votes spend and credit karma through it; replies are counted on it.
/// </summary>
[Alias("actors.users.IUserGrain")]
public interface IUserGrain : IGrainWithIntegerKey
{
    /// <summary>The user's profile, or null when no user has this id.</summary>
    Task<UserProfile?> GetProfile();

    /// <summary>
    /// Pays for a vote and records it, in one commit: checks that the user's karma is at least <paramref name="minimum"/>,
    /// then appends the spend of <paramref name="cost"/> to this user's stream and <paramref name="vote"/> to
    /// <paramref name="newsStream"/> at <paramref name="newsVersion"/>, all or nothing. Returns the vote's recorded events
    /// for the news to take in, or null (nothing written) when the karma is too low or the user does not exist. Called by
    /// the news grain during its turn, so the news stream stays at <paramref name="newsVersion"/> meanwhile.
    /// </summary>
    Task<IReadOnlyList<RecordedEvent>?> PayForVote(int minimum, int cost, string reason, string newsStream, long newsVersion, IReadOnlyList<INewsEvent> vote);

    /// <summary>
    /// Credits karma earned through an event of another aggregate (e.g. an up-vote on the user's news).
    /// Idempotent: applied once per (<paramref name="sourceStream"/>, <paramref name="sourceVersion"/>); events of one
    /// source stream must arrive in version order (Orleans streams keep it).
    /// </summary>
    Task CreditKarma(int amount, string sourceStream, long sourceVersion);

    /// <summary>Counts a reply to one of the user's comments; idempotent per (source stream, version) like <see cref="CreditKarma"/>.</summary>
    Task NoteReply(string sourceStream, long sourceVersion);

    /// <summary>
    /// Registers this user (called by the username registry once the name is claimed and the id allocated).
    /// Idempotent for a repeat with the same name; the password arrives already hashed (hashing is slow and runs
    /// in the gateway, never on the silo scheduler).
    /// </summary>
    Task<Rejection?> Create(NewUser user);

    /// <summary>
    /// The session of <paramref name="authToken"/> when it is the user's current token, else null (logged out, or
    /// not this user's token). Applies the hourly karma increment first, so every authenticated request counts as activity.
    /// </summary>
    Task<UserSession?> Authenticate(string authToken);

    /// <summary>What login needs to check a password; null when no user has this id.</summary>
    Task<UserCredentials?> GetCredentials();

    /// <summary>
    /// Signs in after the gateway checked the password: answers the current token and API secret (shared by every
    /// device, as in Lamernews) while the session lasts, else a new pair; with the session's expiry.
    /// </summary>
    Task<SessionRenewal> SignIn();

    /// <summary>
    /// Ends every session: replaces the token and the API secret when <paramref name="authToken"/> is still current.
    /// Returns false when that token is not current (already logged out).
    /// </summary>
    Task<bool> Logout(string authToken);

    /// <summary>
    /// Stores about and email (cut to their maximum lengths) and, when given, a new password hash. A new password ends
    /// every session: the answer then carries the new token and API secret (else they are null).
    /// </summary>
    Task<SessionRenewal> UpdateProfile(string about, string email, string? passwordHash);

    /// <summary>
    /// Records a password-reset request when <paramref name="email"/> matches and the last request is old enough, and
    /// issues a single-use reset token (only its hash is stored) for the mailed link. Never answers the session token.
    /// </summary>
    Task<PasswordResetTicket> RequestPasswordReset(string email);

    /// <summary>
    /// Uses the reset link's <paramref name="resetToken"/> (once, before it expires): sets <paramref name="passwordHash"/>
    /// and ends every session; the answer carries the new token and API secret.
    /// </summary>
    Task<SessionRenewal> CompletePasswordReset(string resetToken, string passwordHash);

    /// <summary>
    /// After a login matched a hash of an older scheme (a user imported from Lamernews): stores <paramref name="newHash"/>,
    /// a current hash of the same password, in place of <paramref name="currentHash"/>, ending no session. False when the
    /// stored hash is no longer <paramref name="currentHash"/> (nothing changed).
    /// </summary>
    Task<bool> UpgradePassword(string currentHash, string newHash);

    /// <summary>The user read the replies page: the unread-replies counter goes back to 0.</summary>
    Task MarkRepliesRead();
}

/// <summary>The facts of a registration, decided by the gateway (hash, random token and secret) and the registry (name).</summary>
[GenerateSerializer, Immutable, Alias("actors.users.new-user")]
public sealed record NewUser(
    [property: Id(0)] string Username,
    [property: Id(1)] string PasswordHash,
    [property: Id(2)] string AuthToken,
    [property: Id(3)] string ApiSecret);

/// <summary>
/// A signed-in user as a request sees it. <see cref="KarmaIncrementDueAfter"/>: until that time no request can earn the
/// hourly karma increment, so a gateway may answer "who is this token" from memory until then (see the gateway's
/// session cache).
/// </summary>
[GenerateSerializer, Immutable, Alias("actors.users.session")]
public sealed record UserSession(
    [property: Id(0)] long Id,
    [property: Id(1)] string Username,
    [property: Id(2)] int Karma,
    [property: Id(3)] bool IsAdmin,
    [property: Id(4)] string ApiSecret,
    [property: Id(5)] int Replies,
    [property: Id(6)] DateTimeOffset KarmaIncrementDueAfter = default,
    [property: Id(7)] DateTimeOffset ExpiresAt = default);

/// <summary>Login material. Never leaves the gateway.</summary>
[GenerateSerializer, Immutable, Alias("actors.users.credentials")]
public sealed record UserCredentials(
    [property: Id(0)] long Id,
    [property: Id(1)] string Username,
    [property: Id(2)] string PasswordHash,
    [property: Id(3)] string AuthToken,
    [property: Id(4)] string ApiSecret);

/// <summary>
/// The answer to a password-reset request: a rejection, or the single-use reset token the mailed link carries (never
/// the session token).
/// </summary>
[GenerateSerializer, Immutable, Alias("actors.users.password-reset-ticket")]
public sealed record PasswordResetTicket(
    [property: Id(0)] Rejection? Rejection,
    [property: Id(1)] string? ResetToken,
    [property: Id(2)] string? Username);

/// <summary>
/// The answer to a command that may end every session: a rejection, or (when the sessions ended) the new session
/// token and API secret, which the caller hands to the user so that only this client stays signed in; and when that
/// session expires (the cookie's expiry).
/// </summary>
[GenerateSerializer, Immutable, Alias("actors.users.session-renewal")]
public sealed record SessionRenewal(
    [property: Id(0)] Rejection? Rejection,
    [property: Id(1)] string? AuthToken = null,
    [property: Id(2)] string? ApiSecret = null,
    [property: Id(3)] DateTimeOffset ExpiresAt = default);

/// <summary>What anyone may know about a user, plus the owner-only fields (email) the gateway decides to show or not.</summary>
[GenerateSerializer, Immutable, Alias("actors.users.profile")]
public sealed record UserProfile(
    [property: Id(0)] long Id,
    [property: Id(1)] string Username,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] int Karma,
    [property: Id(4)] string About,
    [property: Id(5)] string Email,
    [property: Id(6)] bool IsAdmin,
    [property: Id(7)] int Replies);
