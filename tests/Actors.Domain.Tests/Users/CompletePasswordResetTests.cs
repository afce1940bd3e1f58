using Actors.Users;
using static Actors.Tests.Users.UserSpec;

namespace Actors.Tests.Users;

public class CompletePasswordResetTests
{
    private const string NewToken = "3333333333333333333333333333333333333333";
    private const string NewSecret = "4444444444444444444444444444444444444444";

    private static UserState WithLink(string hash = "reset-hash")
    {
        var withEmail = Given([.. Registered(), new UserProfileUpdated(Id, "", "a@example.com", T0)]);
        return withEmail.Then(new UserCommand.RequestPasswordReset("a@example.com", 86400, hash, 3600, T0)).Aggregate(withEmail, UserDecider.Evolve);
    }

    private static UserCommand.CompletePasswordReset Use(string hash = "reset-hash", DateTimeOffset? at = null) =>
        new(hash, "hash-2", NewToken, NewSecret, at ?? T0.AddMinutes(10));

    [Fact]
    public void The_link_sets_the_password_and_ends_every_session()
    {
        var events = WithLink().Then(Use());

        Assert.Equal<IUserEvent>(
        [
            new UserPasswordResetUsed(Id, T0.AddMinutes(10)),
            new UserPasswordChanged(Id, "hash-2", T0.AddMinutes(10)),
            new UserSessionsEnded(Id, NewToken, NewSecret, T0.AddMinutes(10)),
        ], events);
        var after = events.Aggregate(WithLink(), UserDecider.Evolve);
        Assert.Equal("hash-2", after.PasswordHash);
        Assert.Equal(NewToken, after.AuthToken);
        Assert.Equal(NewSecret, after.ApiSecret);
    }

    [Fact]
    public void A_link_is_used_once_only()
    {
        var used = WithLink().Then(Use()).Aggregate(WithLink(), UserDecider.Evolve);

        Assert.Equal(UserRejections.ResetLinkInvalid, used.Rejected(Use(at: T0.AddMinutes(11))));
    }

    [Fact]
    public void An_expired_link_is_refused()
    {
        Assert.Equal(UserRejections.ResetLinkInvalid, WithLink().Rejected(Use(at: T0.AddHours(1))));
    }

    [Fact]
    public void A_wrong_token_or_no_link_is_refused()
    {
        Assert.Equal(UserRejections.ResetLinkInvalid, WithLink().Rejected(Use(hash: "other-hash")));
        Assert.Equal(UserRejections.ResetLinkInvalid, Given(Registered()).Rejected(Use()));
        Assert.Equal("users.reset-link-invalid", UserRejections.ResetLinkInvalid.Code);
    }

    [Fact]
    public void A_newer_link_replaces_the_older_one()
    {
        var state = WithLink("old-hash");
        var newer = state.Then(new UserCommand.RequestPasswordReset("a@example.com", 86400, "new-hash", 3600, T0.AddDays(2)))
            .Aggregate(state, UserDecider.Evolve);

        Assert.Equal(UserRejections.ResetLinkInvalid, newer.Rejected(Use("old-hash", T0.AddDays(2))));
        Assert.NotEmpty(newer.Then(Use("new-hash", T0.AddDays(2))));
    }
}
