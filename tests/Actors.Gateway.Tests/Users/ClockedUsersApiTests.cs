using Actors.Users;
using Microsoft.Extensions.DependencyInjection;
using static Actors.Tests.Users.UsersApiClient;

namespace Actors.Tests.Users;

/// <summary>Behaviour that depends on time (karma tick, reset delay), with a clock the test moves.</summary>
[Collection(UsersGatewayCollection.Name)]
public class ClockedUsersApiTests(UsersGatewayFactory gateway)
{
    private async Task<UserProfile> Profile(string name)
    {
        var grains = gateway.Services.GetRequiredService<IGrainFactory>();
        var id = await grains.GetGrain<IUsernameGrain>(name.ToLowerInvariant()).GetUserId();
        return (await grains.GetGrain<IUserGrain>(id!.Value).GetProfile())!;
    }

    private static Task<System.Text.Json.JsonElement> Touch(HttpClient client, string secret) =>
        client.PostForm("/api/updateprofile", ("apisecret", secret), ("about", ""), ("email", "me@example.com"), ("password", ""));

    [Fact]
    public async Task An_authenticated_request_after_more_than_an_hour_earns_the_hourly_karma_once()
    {
        using var anonymous = gateway.CreateClient();
        var name = FreshName();
        var (auth, secret) = await anonymous.CreateAccount(name);
        using var client = gateway.CreateClient().WithBearer(auth);

        AssertOk(await Touch(client, secret));
        Assert.Equal(1, (await Profile(name)).Karma);

        gateway.Clock.Advance(TimeSpan.FromSeconds(3601));
        AssertOk(await Touch(client, secret));
        AssertOk(await Touch(client, secret));
        Assert.Equal(2, (await Profile(name)).Karma);
    }

    [Fact]
    public async Task A_news_command_after_more_than_an_hour_earns_the_hourly_karma_once_though_its_session_was_cached()
    {
        using var anonymous = gateway.CreateClient();
        var name = FreshName();
        var (auth, secret) = await anonymous.CreateAccount(name);
        using var client = gateway.CreateClient().WithBearer(auth);
        // Votes on a news that does not exist: authenticated (and the session cached) without spending karma.
        var vote = () => client.PostForm("/api/votenews", ("apisecret", secret), ("news_id", "999999999999"), ("vote_type", "up"));
        AssertError(await vote());
        AssertError(await vote());
        Assert.Equal(1, (await Profile(name)).Karma);

        gateway.Clock.Advance(TimeSpan.FromSeconds(3601));
        AssertError(await vote());
        AssertError(await vote());
        Assert.Equal(2, (await Profile(name)).Karma);
    }

    [Fact]
    public async Task An_hour_of_inactivity_alone_earns_nothing()
    {
        using var anonymous = gateway.CreateClient();
        var name = FreshName();
        await anonymous.CreateAccount(name);

        gateway.Clock.Advance(TimeSpan.FromSeconds(7200));

        Assert.Equal(1, (await Profile(name)).Karma);
    }

    [Fact]
    public async Task A_reset_mail_carries_a_link_of_its_own_and_a_second_request_within_a_day_is_refused()
    {
        using var anonymous = gateway.CreateClient();
        var name = FreshName();
        var (auth, secret) = await anonymous.CreateAccount(name);
        using var client = gateway.CreateClient().WithBearer(auth);
        AssertOk(await Touch(client, secret));

        AssertOk(await anonymous.Get($"/api/reset-password?username={name.ToUpperInvariant()}&email=me@example.com"));
        AssertError(await anonymous.Get($"/api/reset-password?username={name}&email=me@example.com"),
            "Sorry, not enough time elapsed since last password reset request.");
        gateway.Clock.Advance(TimeSpan.FromSeconds(86401));
        AssertOk(await anonymous.Get($"/api/reset-password?username={name}&email=me@example.com"));

        var mails = gateway.Mailer.Sent.Where(m => m.Username == name).ToList();
        Assert.Equal(2, mails.Count);
        Assert.Equal("me@example.com", mails[0].To);
        Assert.StartsWith($"{UsersGatewayFactory.SiteUrl}/set-new-password?user={name}&auth=", mails[0].Link);
        Assert.DoesNotContain(auth, mails[0].Link, StringComparison.Ordinal);
        Assert.NotEqual(mails[0].Link, mails[1].Link);
    }

    [Fact]
    public async Task A_reset_needs_both_fields_and_the_matching_email()
    {
        using var anonymous = gateway.CreateClient();
        var name = FreshName();
        await anonymous.CreateAccount(name);

        AssertError(await anonymous.Get($"/api/reset-password?username={name}"), "Username and email are two required fields.");
        AssertError(await anonymous.Get("/api/reset-password?email=me@example.com"), "Username and email are two required fields.");
        // No email on file: nothing can match, not even an empty one.
        AssertError(await anonymous.Get($"/api/reset-password?username={name}&email=me@example.com"), "No match for the specified username / email pair.");
        AssertError(await anonymous.Get($"/api/reset-password?username={FreshName()}&email=me@example.com"), "No match for the specified username / email pair.");
        AssertError(await anonymous.Get($"/api/reset-password?username=%3Cscript%3E&email=%00"), "No match for the specified username / email pair.");
        AssertError(await anonymous.Get($"/api/reset-password?username={new string('a', 5000)}&email=x"), "No match for the specified username / email pair.");
    }

    [Fact]
    public async Task A_failing_mail_relay_is_reported()
    {
        using var anonymous = gateway.CreateClient();
        var name = FreshName();
        var (auth, secret) = await anonymous.CreateAccount(name);
        using var client = gateway.CreateClient().WithBearer(auth);
        AssertOk(await Touch(client, secret));

        gateway.Mailer.Fail = true;
        try
        {
            AssertError(await anonymous.Get($"/api/reset-password?username={name}&email=me@example.com"),
                "Problem sending the email, please contact the site admin.");
        }
        finally
        {
            gateway.Mailer.Fail = false;
        }
    }
}
