using Actors.Users;

namespace Actors.Gateway.Users;

/// <summary>Read-side lookups for pages such as <c>/user/:username</c>.</summary>
public static class UserLookup
{
    /// <summary>
    /// The public profile of <paramref name="username"/> (any letter case) from the users read model, or null when no
    /// such user exists (or the read model has not seen its registration yet). Names are resolved by the registry.
    /// </summary>
    public static async Task<UserProfile?> FindProfileAsync(this IGrainFactory grains, string username, UsersOptions options)
    {
        if (username.Length is 0 || username.Length > options.UsernameMaxLength)
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
