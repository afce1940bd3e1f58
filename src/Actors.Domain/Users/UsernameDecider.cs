namespace Actors.Users;

/// <summary>The state of one lower-cased name in the registry.</summary>
public sealed record UsernameState(long UserId, string Username)
{
    public bool IsClaimed => UserId != 0;
}

/// <summary>Claim a name for a user.</summary>
public sealed record ClaimUsername(string Username, long UserId, DateTimeOffset At);

/// <summary>The username registry: a name is claimed once, by one user, forever.</summary>
public static class UsernameDecider
{
    public static UsernameState Initial { get; } = new(0, "");

    public static Decision<IUsernameEvent> Decide(ClaimUsername command, UsernameState state) =>
        !state.IsClaimed ? new UsernameClaimed(command.Username, command.UserId, command.At)
        : state.UserId == command.UserId ? Decision<IUsernameEvent>.AlreadyDone
        : UserRejections.NameTaken;

    public static UsernameState Evolve(UsernameState state, IUsernameEvent @event) => @event switch
    {
        UsernameClaimed e => new UsernameState(e.UserId, e.Username),
        _ => state,
    };

    /// <summary>The registry key of a name: names are unique case-insensitively.</summary>
    public static string KeyOf(string username) => username.ToLowerInvariant();
}
