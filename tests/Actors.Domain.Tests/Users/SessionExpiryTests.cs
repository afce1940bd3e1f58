using Actors.Users;
using static Actors.Tests.Users.UserSpec;

namespace Actors.Tests.Users;

public class SessionExpiryTests
{
    private const int Day = 24 * 3600;
    private const string NewToken = "5555555555555555555555555555555555555555";
    private const string NewSecret = "6666666666666666666666666666666666666666";

    private static UserCommand.SignIn SignInAt(DateTimeOffset at) => new(NewToken, NewSecret, 30 * Day, at);

    [Fact]
    public void A_session_expires_a_set_time_after_its_token_was_issued()
    {
        Assert.Equal(T0.AddDays(30), UserDecider.SessionExpiresAt(Given(Registered()), 30 * Day));
    }

    [Fact]
    public void Signing_in_while_the_session_lasts_keeps_the_shared_token()
    {
        Assert.Empty(Given(Registered()).Then(SignInAt(T0.AddDays(29))));
    }

    [Fact]
    public void Signing_in_after_the_session_expired_issues_a_new_token_and_secret()
    {
        var events = Given(Registered()).Then(SignInAt(T0.AddDays(30)));

        Assert.Equal<IUserEvent>([new UserSessionsEnded(Id, NewToken, NewSecret, T0.AddDays(30))], events);
        var after = events.Aggregate(Given(Registered()), UserDecider.Evolve);
        Assert.Equal(NewToken, after.AuthToken);
        Assert.Equal(T0.AddDays(60), UserDecider.SessionExpiresAt(after, 30 * Day));
    }

    [Fact]
    public void A_logout_starts_the_next_token_s_lifetime_afresh()
    {
        var state = Given([.. Registered(), new UserSessionsEnded(Id, NewToken, NewSecret, T0.AddDays(10))]);

        Assert.Equal(T0.AddDays(40), UserDecider.SessionExpiresAt(state, 30 * Day));
    }

    [Fact]
    public void Tokens_rotated_by_the_old_logout_event_also_start_afresh()
    {
        var state = Given([.. Registered(), new UserAuthTokenRotated(Id, NewToken, T0.AddDays(5))]);

        Assert.Equal(T0.AddDays(35), UserDecider.SessionExpiresAt(state, 30 * Day));
    }
}
