using Actors.EventSourcing;

namespace Actors.Users;

/// <summary>
/// The users read model: public profiles built only from the events of the <c>users</c> category. One grain per
/// stream partition ("0".."7"), fed by the Orleans stream of that partition and rebuilt from the log when activated.
/// Eventually consistent with the user grains (the write side).
/// </summary>
[Alias("actors.users.IUserDirectoryGrain")]
public interface IUserDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The profile of user <paramref name="userId"/> as the events seen so far make it, or null.</summary>
    Task<UserProfile?> GetProfile(long userId);

    /// <summary>How many users this partition knows.</summary>
    Task<int> Count();
}

/// <summary>Where user events live: log streams <c>users-{id}</c>, Orleans stream namespace <c>users</c>.</summary>
public static class UserStreams
{
    public const string Category = "users";

    /// <summary>The log stream of user <paramref name="userId"/>.</summary>
    public static string StreamOf(long userId) =>
        EventStreams.StreamOf(Category, userId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The key of the <see cref="IUserDirectoryGrain"/> that knows user <paramref name="userId"/>.</summary>
    public static string DirectoryKeyOf(long userId) =>
        EventStreams.PartitionOf(StreamOf(userId)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
