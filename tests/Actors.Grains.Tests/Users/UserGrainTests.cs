using Actors.News;
using Actors.Users;

namespace Actors.Tests.Users;

[Collection(ClusterCollection.Name)]
public class UserGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    private static string FreshName(string prefix = "u") => $"{prefix}{Guid.NewGuid():N}"[..20];

    private async Task<(long Id, string Token, string Secret)> Register(string name)
    {
        var token = PasswordHashing.NewToken();
        var secret = PasswordHashing.NewToken();
        var registration = await Grains.GetGrain<IUsernameGrain>(UsernameDecider.KeyOf(name))
            .Register(new RegisterUser(name, PasswordHashing.Hash("password1", 1), token, secret, null));
        Assert.Null(registration.Rejection);
        return (registration.UserId, token, secret);
    }

    /// <summary>A vote paid for by <paramref name="user"/>, recorded on a stream of its own (a category nothing consumes).</summary>
    private static async Task<bool> PayForVote(IUserGrain user, int minimum, int cost)
    {
        var stream = $"paidvote-{Guid.NewGuid():N}";
        var recorded = await user.PayForVote(minimum, cost, "vote", stream, 0, [new NewsUpvoted(1, user.GetPrimaryKeyLong(), 2, 1, DateTimeOffset.UtcNow)]);
        return recorded is not null;
    }

    [Fact]
    public async Task A_registered_user_is_authenticated_by_the_token_it_was_given()
    {
        var name = FreshName();
        var (id, token, secret) = await Register(name);

        var tokenOwner = await Grains.GetGrain<IAuthTokenGrain>(token).GetUserId();
        var session = await Grains.GetGrain<IUserGrain>(id).Authenticate(token);

        Assert.Equal(id, tokenOwner);
        Assert.NotNull(session);
        Assert.Equal(name, session.Username);
        Assert.Equal(secret, session.ApiSecret);
        Assert.Equal(1, session.Karma);
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_name_in_different_letter_case_have_exactly_one_winner()
    {
        var name = FreshName("n");
        var variants = new[] { name, name.ToUpperInvariant(), char.ToUpperInvariant(name[0]) + name[1..], name.ToLowerInvariant() };

        var results = await Task.WhenAll(variants.Select(variant =>
            Grains.GetGrain<IUsernameGrain>(UsernameDecider.KeyOf(variant)).Register(new RegisterUser(
                variant, PasswordHashing.Hash("password1", 1), PasswordHashing.NewToken(), PasswordHashing.NewToken(), null))));

        Assert.Single(results, r => r.Rejection is null);
        Assert.All(results.Where(r => r.Rejection is not null), r => Assert.Equal(UserRejections.NameTaken, r.Rejection));
        var winner = results.Single(r => r.Rejection is null).UserId;
        Assert.Equal(winner, await Grains.GetGrain<IUsernameGrain>(name.ToLowerInvariant()).GetUserId());
    }

    [Fact]
    public async Task One_address_creates_one_account_per_delay_and_a_taken_name_does_not_use_up_its_slot()
    {
        var first = FreshName();
        var addressA = $"10.0.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}-{Guid.NewGuid():N}";
        var addressB = $"10.1.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}-{Guid.NewGuid():N}";
        Task<Registration> Register(string name, string ip) => Grains.GetGrain<IUsernameGrain>(UsernameDecider.KeyOf(name))
            .Register(new RegisterUser(name, "h", PasswordHashing.NewToken(), PasswordHashing.NewToken(), ip));

        Assert.Null((await Register(first, addressA)).Rejection);
        Assert.Equal(UserRejections.TooManyAccounts, (await Register(FreshName(), addressA)).Rejection);
        Assert.Equal(UserRejections.NameTaken, (await Register(first.ToUpperInvariant(), addressB)).Rejection);
        Assert.Null((await Register(FreshName(), addressB)).Rejection);
    }

    [Fact]
    public async Task User_ids_are_handed_out_once_each_in_increasing_order()
    {
        var allocator = Grains.GetGrain<IUserIdAllocatorGrain>(0);

        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await allocator.Next());
        }

        Assert.Equal(ids.Order(), ids);
        Assert.Equal(5, ids.Distinct().Count());
    }

    [Fact]
    public async Task Registration_events_reach_the_users_stream_and_carry_no_credentials_in_UserCreated()
    {
        var name = FreshName();
        var (id, _, _) = await Register(name);

        var log = (Actors.EventSourcing.IEventLog)fixture.Cluster.Silos[0].ServiceProvider.GetService(typeof(Actors.EventSourcing.IEventLog))!;
        var events = await log.ReadStreamAsync($"users-{id}");

        var created = Assert.IsType<UserCreated>(events[0].Data);
        Assert.Equal(new UserCreated(id, name, created.At, created.Nonce), created);
        Assert.NotEqual(Guid.Empty, created.Nonce); // random per registration: the first account's id derives from it
        Assert.IsType<UserCredentialsIssued>(events[1].Data);
    }

    [Fact]
    public async Task Logout_rotates_the_token_and_the_secret_so_the_old_token_no_longer_authenticates()
    {
        var (id, token, secret) = await Register(FreshName());
        var user = Grains.GetGrain<IUserGrain>(id);

        Assert.True(await user.Logout(token));

        Assert.Null(await user.Authenticate(token));
        var credentials = await user.GetCredentials();
        Assert.NotNull(credentials);
        Assert.NotEqual(token, credentials.AuthToken);
        Assert.NotEqual(secret, credentials.ApiSecret);
        Assert.Equal(id, await Grains.GetGrain<IAuthTokenGrain>(credentials.AuthToken).GetUserId());
        Assert.False(await user.Logout(token));
    }

    [Fact]
    public async Task A_password_change_ends_every_session_and_answers_the_new_token_and_secret()
    {
        var (id, token, secret) = await Register(FreshName());
        var user = Grains.GetGrain<IUserGrain>(id);

        var renewal = await user.UpdateProfile("", "", PasswordHashing.Hash("new-password", 1000));

        Assert.Null(renewal.Rejection);
        Assert.NotEqual(token, renewal.AuthToken);
        Assert.NotEqual(secret, renewal.ApiSecret);
        Assert.Null(await user.Authenticate(token));
        Assert.NotNull(await user.Authenticate(renewal.AuthToken!));
        Assert.Equal(id, await Grains.GetGrain<IAuthTokenGrain>(renewal.AuthToken!).GetUserId());
        Assert.Null((await user.UpdateProfile("about", "", null)).AuthToken);
    }

    [Fact]
    public async Task A_reset_token_sets_the_password_once_and_is_never_the_session_token()
    {
        var (id, token, _) = await Register(FreshName());
        var user = Grains.GetGrain<IUserGrain>(id);
        await user.UpdateProfile("", "me@example.com", null);

        var ticket = await user.RequestPasswordReset("me@example.com");
        Assert.Null(ticket.Rejection);
        Assert.NotEqual(token, ticket.ResetToken);

        var renewal = await user.CompletePasswordReset(ticket.ResetToken!, PasswordHashing.Hash("new-password", 1000));
        Assert.Null(renewal.Rejection);
        Assert.Null(await user.Authenticate(token));
        Assert.NotNull(await user.Authenticate(renewal.AuthToken!));
        Assert.Equal(UserRejections.ResetLinkInvalid, (await user.CompletePasswordReset(ticket.ResetToken!, "x")).Rejection);
    }

    [Fact]
    public async Task Karma_is_spent_only_above_the_minimum_and_credited_once_per_source_event()
    {
        var (id, _, _) = await Register(FreshName());
        var user = Grains.GetGrain<IUserGrain>(id);

        Assert.False(await PayForVote(user, 30, 6));
        await user.CreditKarma(1, "news-1", 3);
        await user.CreditKarma(1, "news-1", 3);
        await user.CreditKarma(1, "news-1", 2);
        Assert.True(await PayForVote(user, 1, 1));

        Assert.Equal(1, (await user.GetProfile())!.Karma);
    }

    [Fact]
    public async Task Replies_are_counted_once_per_source_event_and_reset_when_read()
    {
        var (id, _, _) = await Register(FreshName());
        var user = Grains.GetGrain<IUserGrain>(id);

        await user.NoteReply("news-9", 4);
        await user.NoteReply("news-9", 4);
        await user.NoteReply("news-9", 5);
        Assert.Equal(2, (await user.GetProfile())!.Replies);

        await user.MarkRepliesRead();
        Assert.Equal(0, (await user.GetProfile())!.Replies);
    }

    [Fact]
    public async Task An_unknown_user_has_no_profile_and_cannot_spend_karma()
    {
        var user = Grains.GetGrain<IUserGrain>(long.MaxValue - Random.Shared.Next(1000));

        Assert.Null(await user.GetProfile());
        Assert.False(await PayForVote(user, 0, 1));
    }
}

[Collection(ClusterCollection.Name)]
public class UserDirectoryGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_directory_learns_a_new_user_and_its_karma_from_the_events()
    {
        var (id, name, _, _) = await SignUp.NewAsync(fixture.Client, "d");
        await fixture.Client.GetGrain<IUserGrain>(id).CreditKarma(4, "news-77", 1);
        var directory = fixture.Client.GetGrain<IUserDirectoryGrain>(UserStreams.DirectoryKeyOf(id));

        var profile = await Eventually(() => directory.GetProfile(id), p => p?.Karma == 5, "the directory has the karma", TimeSpan.FromSeconds(10));

        Assert.Equal(name, profile!.Username);
    }
}
