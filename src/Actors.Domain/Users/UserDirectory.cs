namespace Actors.Users;

/// <summary>
/// The pure projection behind the users read model: public profiles keyed by user id, applied once per
/// (stream, version) because delivery is at-least-once.
/// </summary>
public sealed class UserDirectory
{
    private readonly Dictionary<long, UserProfile> _profiles = [];
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);

    public int Count => _profiles.Count;

    public UserProfile? Find(long userId) => _profiles.GetValueOrDefault(userId);

    /// <summary>Applies event <paramref name="data"/> (version <paramref name="version"/> of <paramref name="streamId"/>); false when already applied.</summary>
    public bool Apply(string streamId, long version, object data)
    {
        if (_versions.TryGetValue(streamId, out var seen) && seen >= version)
        {
            return false;
        }

        _versions[streamId] = version;
        if (data is UserCreated created)
        {
            _profiles[created.UserId] = new UserProfile(created.UserId, created.Username, created.At, 0, "", "", false, 0);
            return true;
        }

        if (data is not IUserEvent || UserIdOf(data) is not { } id || !_profiles.TryGetValue(id, out var p))
        {
            return true;
        }

        _profiles[id] = data switch
        {
            UserAdminGranted => p with { IsAdmin = true },
            UserProfileUpdated e => p with { About = e.About, Email = e.Email },
            UserKarmaIncremented e => p with { Karma = p.Karma + e.Amount },
            UserKarmaSpent e => p with { Karma = p.Karma - e.Amount },
            UserKarmaCredited e => p with { Karma = p.Karma + e.Amount },
            UserReplyNoted => p with { Replies = p.Replies + 1 },
            UserRepliesRead => p with { Replies = 0 },
            UserUnreadRepliesImported e => p with { Replies = e.Count },
            _ => p,
        };
        return true;
    }

    private static long? UserIdOf(object data) => data switch
    {
        UserAdminGranted e => e.UserId,
        UserProfileUpdated e => e.UserId,
        UserKarmaIncremented e => e.UserId,
        UserKarmaSpent e => e.UserId,
        UserKarmaCredited e => e.UserId,
        UserReplyNoted e => e.UserId,
        UserRepliesRead e => e.UserId,
        UserUnreadRepliesImported e => e.UserId,
        _ => null,
    };
}
