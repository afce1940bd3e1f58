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
    public async Task Logout_rotates_the_token_so_the_old_one_no_longer_authenticates_but_the_secret_stays()
    {
        var (id, token, secret) = await Register(FreshName());
        var user = Grains.GetGrain<IUserGrain>(id);

        Assert.True(await user.Logout(token));

        Assert.Null(await user.Authenticate(token));
        var credentials = await user.GetCredentials();
        Assert.NotNull(credentials);
        Assert.NotEqual(token, credentials.AuthToken);
        Assert.Equal(secret, credentials.ApiSecret);
        Assert.Equal(id, await Grains.GetGrain<IAuthTokenGrain>(credentials.AuthToken).GetUserId());
        Assert.False(await user.Logout(token));
    }

    [Fact]
    public async Task Karma_is_spent_only_above_the_minimum_and_credited_once_per_source_event()
    {
        var (id, _, _) = await Register(FreshName());
        var user = Grains.GetGrain<IUserGrain>(id);

        Assert.False(await user.TrySpendKarma(30, 6, "down-vote"));
        await user.CreditKarma(1, "news-1", 3);
        await user.CreditKarma(1, "news-1", 3);
        await user.CreditKarma(1, "news-1", 2);
        Assert.True(await user.TrySpendKarma(1, 1, "up-vote"));

        Assert.Equal(1, (await user.GetProfile())!.Karma);
    }

    [Fact]
    public async Task Karma_grows_by_the_hourly_increment_when_an_active_user_comes_back_after_an_hour()
    {
        var (id, token, _) = await Register(FreshName());
        var user = Grains.GetGrain<IUserGrain>(id);

        Assert.Equal(1, (await user.Authenticate(token))!.Karma);
        fixture.Clock.Advance(TimeSpan.FromSeconds(3601));

        Assert.Equal(2, (await user.Authenticate(token))!.Karma);
        Assert.Equal(2, (await user.Authenticate(token))!.Karma);
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
        Assert.False(await user.TrySpendKarma(0, 1, "up-vote"));
    }
}
