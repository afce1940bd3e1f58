namespace Actors.Users;

/// <summary>
/// Marker of every event of the users category (stream <c>users-{id}</c>).
/// </summary>
public interface IUserEvent;

/// <summary>
/// A new user registered. The public registration fact that several parts of the system consume independently
/// (news read models learn user names from it; the accounts side opens the user's first account).
/// Carries no credentials. <see cref="Nonce"/> is random and never shown outside the system: the parts that consume
/// the registration derive private ids from it (the first account's id, which must be the same on every delivery of
/// this event but not computable from the user id). Empty in events recorded before it existed.
/// </summary>
[GenerateSerializer, Immutable, Alias("users.user-created")]
public sealed record UserCreated(
    [property: Id(0)] long UserId,
    [property: Id(1)] string Username,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] Guid Nonce = default) : IUserEvent;
