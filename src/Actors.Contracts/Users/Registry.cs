namespace Actors.Users;

/// <summary>
/// The username registry: one grain per lower-cased name (the key), so two registrations of the same name in any
/// letter case meet in one grain and are handled one after the other: exactly one wins. Also the lookup the gateway
/// uses for <c>/user/:username</c> and login.
/// </summary>
[Alias("actors.users.IUsernameGrain")]
public interface IUsernameGrain : IGrainWithStringKey
{
    /// <summary>The id of the user holding this name, or null when the name is free.</summary>
    Task<long?> GetUserId();

    /// <summary>
    /// Registers a new user under this name: refuses a taken name, then applies the per-IP creation limit,
    /// allocates the next user id, claims the name and creates the user.
    /// </summary>
    Task<Registration> Register(RegisterUser command);
}

/// <summary>Command: create an account. <see cref="ClientIp"/> is null when unknown (then no per-IP limit applies).</summary>
[GenerateSerializer, Immutable, Alias("actors.users.register-user")]
public sealed record RegisterUser(
    [property: Id(0)] string Username,
    [property: Id(1)] string PasswordHash,
    [property: Id(2)] string AuthToken,
    [property: Id(3)] string ApiSecret,
    [property: Id(4)] string? ClientIp);

/// <summary>The outcome of <see cref="IUsernameGrain.Register"/>: the new user's id, or why not.</summary>
[GenerateSerializer, Immutable, Alias("actors.users.registration")]
public sealed record Registration(
    [property: Id(0)] long UserId,
    [property: Id(1)] Rejection? Rejection);

/// <summary>Hands out user ids 1, 2, 3... (one grain, key 0).</summary>
[Alias("actors.users.IUserIdAllocatorGrain")]
public interface IUserIdAllocatorGrain : IGrainWithIntegerKey
{
    Task<long> Next();

    /// <summary>
    /// Moves the sequence on to at least <paramref name="last"/> (never back), for users written straight into the log
    /// (seeding, imports): the next id handed out is then above every id they took.
    /// </summary>
    Task AdvanceTo(long last);
}

/// <summary>The per-IP account creation limit (one grain per client address).</summary>
[Alias("actors.users.IUserCreationLimitGrain")]
public interface IUserCreationLimitGrain : IGrainWithStringKey
{
    /// <summary>True (and the slot is taken) when no account was created from this address in the last <paramref name="delaySeconds"/>.</summary>
    Task<bool> TryReserve(int delaySeconds);
}

/// <summary>
/// Which user an auth token belongs to (keyed by the token). Only a pointer: whether the token is still current
/// is always asked of the user grain, so a stale pointer can never authenticate anyone.
/// </summary>
[Alias("actors.users.IAuthTokenGrain")]
public interface IAuthTokenGrain : IGrainWithStringKey
{
    Task<long?> GetUserId();

    Task Bind(long userId);

    Task Unbind();
}
