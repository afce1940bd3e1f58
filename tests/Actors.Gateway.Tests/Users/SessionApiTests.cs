using Actors.Users;
using Microsoft.Extensions.DependencyInjection;
using static Actors.Tests.Users.UsersApiClient;

namespace Actors.Tests.Users;

/// <summary>Logout and profile updates: the calls that need a signed-in user and the API secret.</summary>
[Collection(GatewayCollection.Name)]
public class SessionApiTests(GatewayFactory gateway)
{
    private async Task<UserProfile> Profile(string name)
    {
        var grains = gateway.Services.GetRequiredService<IGrainFactory>();
        var id = await grains.GetGrain<IUsernameGrain>(name.ToLowerInvariant()).GetUserId();
        return (await grains.GetGrain<IUserGrain>(id!.Value).GetProfile())!;
    }

    [Fact]
    public async Task The_profile_can_be_updated_with_the_token_in_the_auth_cookie()
    {
        using var anonymous = gateway.CreateAnonymousClient();
        var name = FreshName();
        var (auth, secret) = await anonymous.CreateAccount(name);
        using var client = gateway.CreateClient().WithCookie(auth);

        var body = await client.PostForm("/api/updateprofile", ("apisecret", secret), ("about", "hello"), ("email", "a@example.com"), ("password", ""));

        AssertOk(body);
        var profile = await Profile(name);
        Assert.Equal("hello", profile.About);
        Assert.Equal("a@example.com", profile.Email);
    }

    [Fact]
    public async Task The_profile_can_be_updated_with_the_token_as_a_bearer_header()
    {
        using var anonymous = gateway.CreateAnonymousClient();
        var name = FreshName();
        var (auth, secret) = await anonymous.CreateAccount(name);
        using var client = gateway.CreateClient().WithBearer(auth);

        var body = await client.PostJson("/api/updateprofile", $$"""{"apisecret":"{{secret}}","about":"json","email":"","password":""}""");

        AssertOk(body);
        Assert.Equal("json", (await Profile(name)).About);
    }

    [Fact]
    public async Task About_and_email_are_cut_to_their_maximum_lengths()
    {
        using var anonymous = gateway.CreateAnonymousClient();
        var name = FreshName();
        var (auth, secret) = await anonymous.CreateAccount(name);
        using var client = gateway.CreateClient().WithBearer(auth);

        var body = await client.PostForm("/api/updateprofile",
            ("apisecret", secret), ("about", new string('x', 50_000)), ("email", new string('e', 5000)), ("password", ""));

        AssertOk(body);
        var profile = await Profile(name);
        Assert.Equal(4096, profile.About.Length);
        Assert.Equal(256, profile.Email.Length);
    }

    [Fact]
    public async Task A_new_password_ends_every_other_session_and_answers_the_new_token_and_secret()
    {
        using var anonymous = gateway.CreateAnonymousClient();
        var name = FreshName();
        var (auth, secret) = await anonymous.CreateAccount(name, "old-password");
        using var client = gateway.CreateClient().WithBearer(auth);
        using var otherDevice = gateway.CreateClient().WithCookie(auth);
        // A news command from the other device: its session is now in the gateway's session cache.
        var vote = (HttpClient c, string s) => c.PostForm("/api/votenews", ("apisecret", s), ("news_id", "999999999999"), ("vote_type", "up"));
        Assert.NotEqual("Not authenticated.", (await vote(otherDevice, secret)).GetProperty("error").GetString());

        var changed = await client.PostForm("/api/updateprofile", ("apisecret", secret), ("about", ""), ("email", ""), ("password", "new-password"));

        AssertOk(changed);
        var newAuth = changed.GetProperty("auth").GetString()!;
        var newSecret = changed.GetProperty("apisecret").GetString()!;
        Assert.NotEqual(auth, newAuth);
        Assert.NotEqual(secret, newSecret);
        AssertError(await vote(otherDevice, secret), "Not authenticated.");
        AssertError(await otherDevice.PostForm("/api/updateprofile", ("apisecret", secret), ("about", ""), ("email", ""), ("password", "")), "Not authenticated.");
        AssertError(await anonymous.Get($"/api/login?username={name}&password=old-password"), "No match for the specified username / password pair.");
        var login = await anonymous.Get($"/api/login?username={name}&password=new-password");
        Assert.Equal(newAuth, login.GetProperty("auth").GetString());
        Assert.Equal(newSecret, login.GetProperty("apisecret").GetString());
        using var renewed = gateway.CreateClient().WithCookie(newAuth);
        AssertOk(await renewed.PostForm("/api/updateprofile", ("apisecret", newSecret), ("about", "still here"), ("email", ""), ("password", "")));
    }

    [Fact]
    public async Task A_profile_change_without_a_password_keeps_the_session_and_answers_no_token()
    {
        using var anonymous = gateway.CreateAnonymousClient();
        var (auth, secret) = await anonymous.CreateAccount(FreshName());
        using var client = gateway.CreateClient().WithBearer(auth);

        var body = await client.PostForm("/api/updateprofile", ("apisecret", secret), ("about", "a"), ("email", ""), ("password", ""));

        AssertOk(body);
        Assert.False(body.TryGetProperty("auth", out _));
        AssertOk(await client.PostForm("/api/updateprofile", ("apisecret", secret), ("about", "b"), ("email", ""), ("password", "")));
    }

    [Fact]
    public async Task Updating_the_profile_checks_login_then_secret_then_parameters_then_password_length()
    {
        using var anonymous = gateway.CreateAnonymousClient();
        var (auth, secret) = await anonymous.CreateAccount(FreshName());
        using var client = gateway.CreateClient().WithBearer(auth);

        AssertError(await anonymous.PostForm("/api/updateprofile", ("apisecret", secret), ("about", ""), ("email", ""), ("password", "")), "Not authenticated.");
        AssertError(await client.PostForm("/api/updateprofile", ("apisecret", (secret[0] == '0' ? "1" : "0") + secret[1..]), ("about", ""), ("email", ""), ("password", "")), "Wrong form secret.");
        AssertError(await client.PostForm("/api/updateprofile", ("about", ""), ("email", ""), ("password", "")), "Wrong form secret.");
        AssertError(await client.PostForm("/api/updateprofile", ("apisecret", secret), ("about", ""), ("email", "")), "Missing parameters.");
        AssertError(await client.PostForm("/api/updateprofile", ("apisecret", secret), ("about", ""), ("email", ""), ("password", "short")), "Password is too short. Min length: 8");
        AssertError(await client.PostJson("/api/updateprofile", $$"""{"apisecret":"{{secret}}","about":{"a":1},"email":"","password":""}"""));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("0000000000000000000000000000000000000000")]
    [InlineData("ABCDEF0000000000000000000000000000000000")]
    [InlineData("'; DROP TABLE users; --")]
    public async Task A_forged_or_malformed_token_is_not_authenticated(string token)
    {
        using var client = gateway.CreateClient().WithCookie(Uri.EscapeDataString(token));

        var body = await client.PostForm("/api/updateprofile", ("apisecret", "x"), ("about", ""), ("email", ""), ("password", ""));

        AssertError(body, "Not authenticated.");
    }

    [Fact]
    public async Task Logout_rotates_the_token_and_the_api_secret_so_neither_old_one_works()
    {
        using var anonymous = gateway.CreateAnonymousClient();
        var name = FreshName();
        var (auth, secret) = await anonymous.CreateAccount(name, "secret-password");
        using var client = gateway.CreateClient().WithCookie(auth);

        AssertOk(await client.PostForm("/api/logout", ("apisecret", secret)));

        AssertError(await client.PostForm("/api/updateprofile", ("apisecret", secret), ("about", ""), ("email", ""), ("password", "")), "Not authenticated.");
        AssertError(await client.PostForm("/api/logout", ("apisecret", secret)), "Wrong auth credentials or API secret.");
        var login = await anonymous.Get($"/api/login?username={name}&password=secret-password");
        var newAuth = login.GetProperty("auth").GetString()!;
        var newSecret = login.GetProperty("apisecret").GetString()!;
        Assert.NotEqual(auth, newAuth);
        Assert.NotEqual(secret, newSecret);
        using var again = gateway.CreateClient().WithBearer(newAuth);
        AssertError(await again.PostForm("/api/updateprofile", ("apisecret", secret), ("about", "back"), ("email", ""), ("password", "")), "Wrong form secret.");
        AssertOk(await again.PostForm("/api/updateprofile", ("apisecret", newSecret), ("about", "back"), ("email", ""), ("password", "")));
    }

    [Fact]
    public async Task Logout_needs_a_session_and_the_right_secret()
    {
        using var anonymous = gateway.CreateAnonymousClient();
        var (auth, secret) = await anonymous.CreateAccount(FreshName());
        using var client = gateway.CreateClient().WithBearer(auth);

        AssertError(await anonymous.PostForm("/api/logout", ("apisecret", secret)), "Wrong auth credentials or API secret.");
        AssertError(await client.PostForm("/api/logout"), "Wrong auth credentials or API secret.");
        AssertError(await client.PostForm("/api/logout", ("apisecret", new string('s', 20_000))), "Wrong auth credentials or API secret.");
        AssertError(await client.PostJson("/api/logout", """{"apisecret":["x"]}"""));
        AssertOk(await client.PostForm("/api/logout", ("apisecret", secret)));
    }

    [Fact]
    public async Task Password_reset_is_refused_with_a_clear_sentence_when_no_mail_relay_is_configured()
    {
        using var client = gateway.CreateClient();

        AssertError(await client.Get("/api/reset-password?username=bob&email=bob@example.com"), "Password reset is disabled on this site.");
    }
}
