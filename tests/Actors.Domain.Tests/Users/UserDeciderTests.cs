using Actors.Users;
using static Actors.Tests.Users.UserSpec;

namespace Actors.Tests.Users;

public class CreateUserTests
{
    private static readonly Guid Nonce = Guid.Parse("0d9e7f3a-5b21-4c8e-9f60-2a4b6c8d0e1f");

    private static UserCommand.CreateUser Command(long id = Id, string name = "alice") => new(id, name, "hash-1", Token, Secret, 1, Nonce, T0);

    [Fact]
    public void A_new_user_is_created_with_credentials_in_a_separate_event_and_the_initial_karma()
    {
        var events = Given().Then(Command());

        Assert.Equal<IUserEvent>(
        [
            new UserCreated(Id, "alice", T0, Nonce),
            new UserCredentialsIssued(Id, "hash-1", Token, Secret, T0),
            new UserKarmaIncremented(Id, 1, T0),
        ], events);
    }

    [Fact]
    public void The_first_user_becomes_admin()
    {
        var events = Given().Then(Command(id: 1));

        Assert.Contains(new UserAdminGranted(1, T0), events);
        Assert.True(Given([.. events]).IsAdmin);
    }

    [Fact]
    public void Creating_the_same_user_again_is_already_done()
    {
        Assert.Empty(Given().Repeated(Command()));
    }

    [Fact]
    public void Creating_another_name_on_an_existing_user_is_refused()
    {
        Assert.Equal(UserRejections.AlreadyExists, Given(Registered()).Rejected(Command(name: "bob")));
    }
}

public class RotateAuthTokenTests
{
    private const string NewToken = "3333333333333333333333333333333333333333";
    private const string NewSecret = "4444444444444444444444444444444444444444";

    [Fact]
    public void Logout_replaces_the_current_token_and_the_api_secret()
    {
        var state = Given(Registered());

        var events = state.Then(new UserCommand.RotateAuthToken(Token, NewToken, NewSecret, T0.AddMinutes(1)));

        Assert.Equal<IUserEvent>([new UserSessionsEnded(Id, NewToken, NewSecret, T0.AddMinutes(1))], events);
        var after = Given([.. Registered(), .. events]);
        Assert.Equal(NewToken, after.AuthToken);
        Assert.Equal(NewSecret, after.ApiSecret);
    }

    [Fact]
    public void A_logout_recorded_before_sessions_ended_existed_still_keeps_the_secret()
    {
        var after = Given([.. Registered(), new UserAuthTokenRotated(Id, NewToken, T0)]);

        Assert.Equal(NewToken, after.AuthToken);
        Assert.Equal(Secret, after.ApiSecret);
    }

    [Fact]
    public void Logging_out_a_token_that_is_no_longer_current_changes_nothing()
    {
        Assert.Empty(Given(Registered()).Then(new UserCommand.RotateAuthToken("9999999999999999999999999999999999999999", NewToken, NewSecret, T0)));
        Assert.Empty(Given(Registered()).Repeated(new UserCommand.RotateAuthToken(Token, NewToken, NewSecret, T0)));
    }

    [Fact]
    public void An_unknown_user_cannot_log_out()
    {
        Assert.Equal(UserRejections.Unknown, Given().Rejected(new UserCommand.RotateAuthToken(Token, NewToken, NewSecret, T0)));
    }
}

public class UpdateProfileTests
{
    private const string NewToken = "3333333333333333333333333333333333333333";
    private const string NewSecret = "4444444444444444444444444444444444444444";

    [Fact]
    public void About_and_email_are_cut_to_their_maximum_lengths()
    {
        var events = Given(Registered()).Then(new UserCommand.UpdateProfile(new string('a', 5000), new string('e', 300), null, 4096, 256, NewToken, NewSecret, T0));

        var updated = Assert.IsType<UserProfileUpdated>(Assert.Single(events));
        Assert.Equal(4096, updated.About.Length);
        Assert.Equal(256, updated.Email.Length);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var about = new string('a', 4095) + "😀";

        var updated = (UserProfileUpdated)Given(Registered()).Then(new UserCommand.UpdateProfile(about, "", null, 4096, 256, NewToken, NewSecret, T0)).Single();

        Assert.Equal(4095, updated.About.Length);
    }

    [Fact]
    public void A_new_password_ends_every_session_with_a_new_token_and_api_secret()
    {
        var events = Given(Registered()).Then(new UserCommand.UpdateProfile("", "", "hash-2", 4096, 256, NewToken, NewSecret, T0));

        Assert.Equal<IUserEvent>([new UserPasswordChanged(Id, "hash-2", T0), new UserSessionsEnded(Id, NewToken, NewSecret, T0)], events);
        var after = Given([.. Registered(), .. events]);
        Assert.Equal(NewToken, after.AuthToken);
        Assert.Equal(NewSecret, after.ApiSecret);
    }

    [Fact]
    public void A_profile_change_without_a_password_keeps_the_sessions()
    {
        var events = Given(Registered()).Then(new UserCommand.UpdateProfile("about", "", null, 4096, 256, NewToken, NewSecret, T0));

        Assert.DoesNotContain(events, e => e is UserSessionsEnded);
        Assert.Equal(Token, Given([.. Registered(), .. events]).AuthToken);
    }

    [Fact]
    public void The_same_profile_again_is_already_done()
    {
        Assert.Empty(Given(Registered()).Repeated(new UserCommand.UpdateProfile("about", "a@example.com", "hash-2", 4096, 256, NewToken, NewSecret, T0)));
    }
}

public class TickKarmaTests
{
    [Fact]
    public void More_than_an_interval_after_the_last_increment_the_karma_grows()
    {
        var at = T0.AddSeconds(3601);

        var events = Given(Registered()).Then(new UserCommand.TickKarma(3600, 1, at));

        Assert.Equal<IUserEvent>([new UserKarmaIncremented(Id, 1, at)], events);
    }

    [Fact]
    public void Within_the_interval_nothing_happens()
    {
        Assert.Empty(Given(Registered()).Then(new UserCommand.TickKarma(3600, 1, T0.AddSeconds(3600))));
    }

    [Fact]
    public void The_tick_counts_once_per_interval()
    {
        Assert.Empty(Given(Registered()).Repeated(new UserCommand.TickKarma(3600, 1, T0.AddHours(5))));
    }
}

public class SpendKarmaTests
{
    [Fact]
    public void Karma_at_the_minimum_can_be_spent()
    {
        var events = Given(Registered()).Then(new UserCommand.SpendKarma(1, 1, "up-vote news-3", T0));

        Assert.Equal<IUserEvent>([new UserKarmaSpent(Id, 1, "up-vote news-3", T0)], events);
        Assert.Equal(0, Given([.. Registered(), .. events]).Karma);
    }

    [Fact]
    public void Karma_below_the_minimum_is_not_spent()
    {
        Assert.Equal(UserRejections.NotEnoughKarma, Given(Registered()).Rejected(new UserCommand.SpendKarma(30, 6, "down-vote", T0)));
    }

    [Fact]
    public void A_spent_karma_point_cannot_be_spent_twice()
    {
        var state = Given(Registered());
        var once = state.Then(new UserCommand.SpendKarma(1, 1, "up-vote", T0)).Aggregate(state, UserDecider.Evolve);

        Assert.Equal(UserRejections.NotEnoughKarma, once.Rejected(new UserCommand.SpendKarma(1, 1, "up-vote", T0)));
    }
}

public class CreditKarmaTests
{
    [Fact]
    public void An_event_of_another_aggregate_credits_karma()
    {
        var events = Given(Registered()).Then(new UserCommand.CreditKarma(1, "news-4", 2, T0));

        Assert.Equal<IUserEvent>([new UserKarmaCredited(Id, 1, "news-4", 2, T0)], events);
    }

    [Fact]
    public void The_same_source_event_credits_once()
    {
        Assert.Empty(Given(Registered()).Repeated(new UserCommand.CreditKarma(1, "news-4", 2, T0)));
    }

    [Fact]
    public void An_older_version_of_a_credited_stream_is_already_done_but_other_streams_are_not()
    {
        var state = Given([.. Registered(), new UserKarmaCredited(Id, 1, "news-4", 5, T0)]);

        Assert.Empty(state.Then(new UserCommand.CreditKarma(1, "news-4", 3, T0)));
        Assert.Single(state.Then(new UserCommand.CreditKarma(1, "news-4", 6, T0)));
        Assert.Single(state.Then(new UserCommand.CreditKarma(1, "news-5", 1, T0)));
    }
}

public class NoteReplyTests
{
    [Fact]
    public void A_reply_is_counted_once_per_source_event()
    {
        var state = Given(Registered());

        Assert.Single(state.Then(new UserCommand.NoteReply("news-4", 3, T0)));
        Assert.Empty(state.Repeated(new UserCommand.NoteReply("news-4", 3, T0)));
    }

    [Fact]
    public void Replies_and_karma_credits_keep_separate_marks_on_the_same_stream()
    {
        var state = Given([.. Registered(), new UserKarmaCredited(Id, 1, "news-4", 9, T0)]);

        Assert.Single(state.Then(new UserCommand.NoteReply("news-4", 3, T0)));
    }
}

public class MarkRepliesReadTests
{
    [Fact]
    public void Reading_the_replies_resets_the_counter()
    {
        var state = Given([.. Registered(), new UserReplyNoted(Id, "news-1", 1, T0), new UserReplyNoted(Id, "news-1", 2, T0)]);

        var events = state.Then(new UserCommand.MarkRepliesRead(T0));

        Assert.Equal(2, state.Replies);
        Assert.Equal(0, Given([.. Registered(), new UserReplyNoted(Id, "news-1", 1, T0), .. events]).Replies);
    }

    [Fact]
    public void With_no_unread_replies_nothing_happens()
    {
        Assert.Empty(Given(Registered()).Then(new UserCommand.MarkRepliesRead(T0)));
    }
}

public class RequestPasswordResetTests
{
    private static UserState WithEmail() => Given([.. Registered(), new UserProfileUpdated(Id, "", "a@example.com", T0)]);

    [Fact]
    public void A_matching_email_records_the_request_and_issues_a_link_known_by_its_hash_only()
    {
        Assert.Equal<IUserEvent>(
            [new UserPasswordResetRequested(Id, T0), new UserPasswordResetIssued(Id, "reset-hash", T0.AddHours(1), T0)],
            WithEmail().Then(new UserCommand.RequestPasswordReset("a@example.com", 86400, "reset-hash", 3600, T0)));
    }

    [Fact]
    public void A_different_or_missing_email_does_not_match()
    {
        Assert.Equal(UserRejections.ResetNoMatch, WithEmail().Rejected(new UserCommand.RequestPasswordReset("b@example.com", 86400, "h", 3600, T0)));
        Assert.Equal(UserRejections.ResetNoMatch, Given(Registered()).Rejected(new UserCommand.RequestPasswordReset("", 86400, "h", 3600, T0)));
    }

    [Fact]
    public void A_second_request_within_the_delay_is_refused_and_one_after_it_is_accepted()
    {
        var state = WithEmail().Then(new UserCommand.RequestPasswordReset("a@example.com", 86400, "h", 3600, T0)).Aggregate(WithEmail(), UserDecider.Evolve);

        Assert.Equal(UserRejections.ResetTooSoon, state.Rejected(new UserCommand.RequestPasswordReset("a@example.com", 86400, "h", 3600, T0.AddHours(23))));
        Assert.NotEmpty(state.Then(new UserCommand.RequestPasswordReset("a@example.com", 86400, "h", 3600, T0.AddSeconds(86401))));
    }
}

public class ClaimUsernameTests
{
    [Fact]
    public void A_free_name_is_claimed_once_and_a_repeat_by_the_same_user_is_already_done()
    {
        var events = UsernameDecider.Decide(new ClaimUsername("Alice", 3, T0), UsernameDecider.Initial).Events;
        var state = events.Aggregate(UsernameDecider.Initial, UsernameDecider.Evolve);

        Assert.Equal<IUsernameEvent>([new UsernameClaimed("Alice", 3, T0)], events);
        Assert.Empty(UsernameDecider.Decide(new ClaimUsername("Alice", 3, T0), state).Events);
        Assert.Equal(UserRejections.NameTaken, UsernameDecider.Decide(new ClaimUsername("alice", 4, T0), state).Rejection);
    }

    [Fact]
    public void Names_are_keyed_case_insensitively()
    {
        Assert.Equal(UsernameDecider.KeyOf("ALICE"), UsernameDecider.KeyOf("alice"));
    }
}
