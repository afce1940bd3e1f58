using System.Net.Http.Headers;
using static Actors.Tests.Users.UsersApiClient;

namespace Actors.Tests.Users;

/// <summary>The gateway writes the auth cookie itself, and sessions end on the server after Users:SessionLifetimeSeconds.</summary>
[Collection(UsersGatewayCollection.Name)]
public class SessionCookieTests(UsersGatewayFactory gateway)
{
    private const string Password = "secret-password";

    private HttpClient NoCookies() => gateway.CreateAnonymousClient();

    private static string AuthCookieOf(HttpResponseMessage response) =>
        Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("auth=", StringComparison.Ordinal));

    private static Task<HttpResponseMessage> Login(HttpClient client, string name) =>
        client.PostAsync("/api/login", new FormUrlEncodedContent([new("username", name), new("password", Password)]));

    [Fact]
    public async Task Login_sets_an_HttpOnly_SameSite_cookie_that_expires_with_the_session_and_still_answers_auth_in_JSON()
    {
        using var client = NoCookies();
        var name = FreshName();
        var (auth, _) = await client.CreateAccount(name, Password);

        using var response = await Login(client, name);

        var cookie = AuthCookieOf(response);
        Assert.StartsWith($"auth={auth};", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        var expires = DateTimeOffset.Parse(cookie.Split("expires=", StringSplitOptions.None)[1].Split(';')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(gateway.Clock.GetUtcNow().AddDays(30), expires, TimeSpan.FromDays(1));
        Assert.Equal(auth, (await response.Envelope()).GetProperty("auth").GetString());
    }

    [Fact]
    public async Task Creating_an_account_signs_the_browser_in_with_the_cookie()
    {
        using var client = NoCookies();
        var name = FreshName();

        using var response = await client.PostAsync("/api/create_account", new FormUrlEncodedContent([new("username", name), new("password", Password)]));

        var auth = (await response.Envelope()).GetProperty("auth").GetString();
        Assert.StartsWith($"auth={auth};", AuthCookieOf(response));
    }

    [Fact]
    public async Task Logout_clears_the_cookie()
    {
        using var client = NoCookies();
        var (auth, secret) = await client.CreateAccount(FreshName(), Password);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/logout") { Content = new FormUrlEncodedContent([new("apisecret", secret)]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auth);

        using var response = await client.SendAsync(request);

        AssertOk(await response.Envelope());
        var cookie = AuthCookieOf(response);
        Assert.StartsWith("auth=;", cookie);
        Assert.Contains("expires=Thu, 01 Jan 1970", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_session_ends_on_the_server_when_its_lifetime_is_over_and_the_next_login_issues_a_new_token()
    {
        using var anonymous = NoCookies();
        var name = FreshName();
        var (auth, secret) = await anonymous.CreateAccount(name, Password);
        using var client = NoCookies().WithBearer(auth);
        var touch = () => client.PostForm("/api/updateprofile", ("apisecret", secret), ("about", ""), ("email", ""), ("password", ""));
        AssertOk(await touch());

        gateway.Clock.Advance(TimeSpan.FromDays(29));
        AssertOk(await touch());
        using (var stillShared = await Login(anonymous, name))
        {
            Assert.Equal(auth, (await stillShared.Envelope()).GetProperty("auth").GetString());
        }

        gateway.Clock.Advance(TimeSpan.FromDays(1));
        AssertError(await touch(), "Not authenticated.");

        using var renewed = await Login(anonymous, name);
        var fresh = (await renewed.Envelope()).GetProperty("auth").GetString()!;
        Assert.NotEqual(auth, fresh);
        using var freshClient = NoCookies().WithBearer(fresh);
        AssertOk(await freshClient.PostForm("/api/updateprofile",
            ("apisecret", (await (await Login(anonymous, name)).Envelope()).GetProperty("apisecret").GetString()!),
            ("about", ""), ("email", ""), ("password", "")));
    }
}
