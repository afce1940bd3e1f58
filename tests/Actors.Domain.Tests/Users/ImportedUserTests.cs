using Actors.Users;
using static Actors.Tests.Users.UserSpec;

namespace Actors.Tests.Users;

/// <summary>Users imported from Lamernews: their old password hash, its upgrade at the first login, their unread replies.</summary>
public class ImportedUserTests
{
    // RFC 6070's PBKDF2-HMAC-SHA1 vector (P "password", S "salt", c 4096, dkLen 20): the scheme Lamernews uses.
    private const string Rfc6070Hex = "4b007901b765489abead49d926f721d065a429c1";
    private static readonly string Legacy = PasswordHashing.FromLamernews("salt", Rfc6070Hex, 4096);

    private static UserState Imported() => Given(
        new UserCreated(Id, "alice", T0),
        new UserCredentialsIssued(Id, Legacy, Token, Secret, T0),
        new UserKarmaIncremented(Id, 42, T0));

    [Fact]
    public void Given_a_Lamernews_hash_when_the_right_password_is_checked_then_it_matches_and_asks_for_an_upgrade()
    {
        Assert.True(PasswordHashing.Verify("password", Legacy));
        Assert.False(PasswordHashing.Verify("passwore", Legacy));
        Assert.True(PasswordHashing.NeedsUpgrade(Legacy));
        Assert.False(PasswordHashing.NeedsUpgrade(PasswordHashing.Hash("password", 1)));
    }

    [Fact]
    public void Given_a_hash_computed_as_Lamernews_does_when_verified_then_the_hex_salt_string_is_the_salt()
    {
        const string salt = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c";
        var hex = PasswordHashing.LamernewsHex("correct horse", salt);

        Assert.Equal(40, hex.Length);
        Assert.True(PasswordHashing.Verify("correct horse", PasswordHashing.FromLamernews(salt, hex.ToUpperInvariant())));
        Assert.False(PasswordHashing.Verify("correct horse", PasswordHashing.FromLamernews(salt[..^1] + "1", hex)));
    }

    [Theory]
    [InlineData("", "4b007901b765489abead49d926f721d065a429c1")]
    [InlineData("salt", "")]
    [InlineData("salt", "not hex not hex not hex not hex not hex!")]
    public void Given_a_Lamernews_hash_of_another_shape_when_any_password_is_checked_then_nothing_matches(string salt, string hex) =>
        Assert.False(PasswordHashing.Verify("password", PasswordHashing.FromLamernews(salt, hex, 4096)));

    [Fact]
    public void Given_an_imported_user_when_the_login_upgrades_the_hash_then_it_is_replaced_and_no_session_ends()
    {
        var current = PasswordHashing.Hash("password", 1);
        var events = Imported().Then(new UserCommand.UpgradePassword(Legacy, current, T0.AddDays(1)));

        Assert.Equal<IUserEvent>([new UserPasswordUpgraded(Id, current, T0.AddDays(1))], events);
        var after = events.Aggregate(Imported(), UserDecider.Evolve);
        Assert.Equal(current, after.PasswordHash);
        Assert.Equal(Token, after.AuthToken);
        Assert.Equal(Secret, after.ApiSecret);
        Assert.True(PasswordHashing.Verify("password", after.PasswordHash));
    }

    [Fact]
    public void Given_an_upgraded_hash_when_the_upgrade_is_repeated_then_nothing_more_happens() =>
        Assert.Empty(Imported().Repeated(new UserCommand.UpgradePassword(Legacy, PasswordHashing.Hash("password", 1), T0)));

    [Fact]
    public void Given_a_password_changed_meanwhile_when_the_upgrade_arrives_then_the_new_password_stays()
    {
        var chosen = PasswordHashing.Hash("chosen later", 1);
        var state = new IUserEvent[] { new UserPasswordChanged(Id, chosen, T0) }.Aggregate(Imported(), UserDecider.Evolve);

        Assert.Empty(state.Then(new UserCommand.UpgradePassword(Legacy, PasswordHashing.Hash("password", 1), T0)));
    }

    [Fact]
    public void Given_a_user_with_a_current_hash_when_an_upgrade_is_asked_then_nothing_happens()
    {
        var current = PasswordHashing.Hash("password", 1);
        var state = Given(new UserCreated(Id, "alice", T0), new UserCredentialsIssued(Id, current, Token, Secret, T0));

        Assert.Empty(state.Then(new UserCommand.UpgradePassword(current, PasswordHashing.Hash("password", 2), T0)));
    }

    [Fact]
    public void Given_no_such_user_when_an_upgrade_is_asked_then_it_is_refused() =>
        Assert.Equal(UserRejections.Unknown, UserDecider.Initial.Rejected(new UserCommand.UpgradePassword(Legacy, "x", T0)));

    [Fact]
    public void Given_imported_unread_replies_when_folded_then_the_counter_is_the_imported_one_until_read()
    {
        var state = Given([.. Registered(), new UserReplyNoted(Id, "news-1", 2, T0), new UserUnreadRepliesImported(Id, 5, T0)]);
        Assert.Equal(5, state.Replies);
        Assert.Equal<IUserEvent>([new UserRepliesRead(Id, T0)], state.Then(new UserCommand.MarkRepliesRead(T0)));

        var directory = new UserDirectory();
        directory.Apply("users-7", 1, new UserCreated(Id, "alice", T0));
        directory.Apply("users-7", 2, new UserUnreadRepliesImported(Id, 5, T0));
        Assert.Equal(5, directory.Find(Id)!.Replies);
    }
}
