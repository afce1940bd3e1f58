using Actors.Users;
using static Actors.Tests.Users.UserSpec;

namespace Actors.Tests.Users;

public class UserDirectoryTests
{
    [Fact]
    public void A_profile_is_built_from_the_events_of_the_user_stream()
    {
        var directory = new UserDirectory();
        var version = 0;
        foreach (var e in Registered().Concat<IUserEvent>([
            new UserProfileUpdated(Id, "about me", "a@example.com", T0),
            new UserKarmaCredited(Id, 3, "news-1", 2, T0),
            new UserKarmaSpent(Id, 1, "up-vote", T0),
            new UserReplyNoted(Id, "news-1", 3, T0),
        ]))
        {
            directory.Apply("users-7", ++version, e);
        }

        Assert.Equal(new UserProfile(Id, "alice", T0, 3, "about me", "a@example.com", false, 1), directory.Find(Id));
    }

    [Fact]
    public void An_event_delivered_twice_is_applied_once()
    {
        var directory = new UserDirectory();
        directory.Apply("users-7", 1, new UserCreated(Id, "alice", T0));
        directory.Apply("users-7", 2, new UserKarmaIncremented(Id, 1, T0));

        Assert.False(directory.Apply("users-7", 2, new UserKarmaIncremented(Id, 1, T0)));
        Assert.Equal(1, directory.Find(Id)!.Karma);
    }

    [Fact]
    public void Credentials_never_reach_the_read_model()
    {
        var directory = new UserDirectory();
        directory.Apply("users-7", 1, new UserCreated(Id, "alice", T0));
        directory.Apply("users-7", 2, new UserCredentialsIssued(Id, "hash", Token, Secret, T0));

        var profile = directory.Find(Id)!;
        Assert.DoesNotContain(Token, profile.ToString());
        Assert.DoesNotContain("hash", profile.ToString());
    }
}
