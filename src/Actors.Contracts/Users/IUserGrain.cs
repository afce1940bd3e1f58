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
    /// Atomically checks that the user's karma is at least <paramref name="minimum"/> and spends <paramref name="cost"/>.
    /// Returns false and spends nothing when the karma is too low (or the user does not exist).
    /// </summary>
    Task<bool> TrySpendKarma(int minimum, int cost, string reason);

    /// <summary>
    /// Credits karma earned through an event of another aggregate (e.g. an up-vote on the user's news).
    /// Idempotent: applied once per (<paramref name="sourceStream"/>, <paramref name="sourceVersion"/>); events of one
    /// source stream must arrive in version order (Orleans streams keep it).
    /// </summary>
    Task CreditKarma(int amount, string sourceStream, long sourceVersion);

    /// <summary>Counts a reply to one of the user's comments; idempotent per (source stream, version) like <see cref="CreditKarma"/>.</summary>
    Task NoteReply(string sourceStream, long sourceVersion);
}

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
