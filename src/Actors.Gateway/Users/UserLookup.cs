using Actors.Users;

namespace Actors.Gateway.Users;

/// <summary>Read-side lookups for pages such as <c>/user/:username</c>.</summary>
public static class UserLookup
{
    /// <summary>
    /// The public profile of <paramref name="username"/> (any letter case) from the users read model, or null when no
    /// such user exists (or the read model has not seen its registration yet). Names are resolved by the registry; a name
    /// that could never have been registered (<paramref name="usernamePattern"/>, the length) is not looked up, and is
    /// never a grain key: a blank one made the page a 500 (Orleans refuses a blank key; found by the fuzz test).
    /// </summary>
    public static async Task<UserProfile?> FindProfileAsync(this IGrainFactory grains, string username, string usernamePattern, UsersOptions options)
    {
        if (UserRules.CheckUsername(username, usernamePattern, options.UsernameMaxLength) is not null)
        {
            return null;
        }

        return await grains.GetGrain<IUsernameGrain>(UsernameDecider.KeyOf(username)).GetUserId() is { } id
            ? await grains.FindProfileAsync(id)
            : null;
    }

    /// <summary>The public profile of user <paramref name="userId"/> from the users read model, or null.</summary>
    public static Task<UserProfile?> FindProfileAsync(this IGrainFactory grains, long userId) =>
        grains.GetGrain<IUserDirectoryGrain>(UserStreams.DirectoryKeyOf(userId)).GetProfile(userId);
}
