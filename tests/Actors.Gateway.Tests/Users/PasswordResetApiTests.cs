using System.Net;
using Actors.Gateway.Users;
using Actors.News;
using static Actors.Tests.Users.UsersApiClient;

namespace Actors.Tests.Users;

/// <summary>The reset link: built from News:SiteUrl, a single-use token of its own, completed at /set-new-password.</summary>
[Collection(UsersGatewayCollection.Name)]
public class PasswordResetApiTests(UsersGatewayFactory gateway)
{
    /// <summary>A user with an email on file and a reset requested: name, session token, secret and the mailed link.</summary>
    private async Task<(string Name, string Auth, string Secret, string Link)> Requested(string? host = null)
    {
        using var anonymous = gateway.CreateClient();
        var name = FreshName();
        var (auth, secret) = await anonymous.CreateAccount(name, "old-password");
        using var client = gateway.CreateClient().WithBearer(auth);
        AssertOk(await client.PostForm("/api/updateprofile", ("apisecret", secret), ("about", ""), ("email", "me@example.com"), ("password", "")));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/reset-password?username={name}&email=me@example.com");
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        AssertOk(await (await anonymous.SendAsync(request)).Envelope());
        return (name, auth, secret, gateway.Mailer.Sent.Last(m => m.Username == name).Link);
    }

    private static string TokenOf(string link) => link[(link.IndexOf("&auth=", StringComparison.Ordinal) + "&auth=".Length)..];

    [Fact]
    public async Task The_link_is_built_from_the_site_url_whatever_the_host_header_says_and_never_carries_the_session_token()
    {
        var (name, auth, _, link) = await Requested(host: "attacker.example");

        Assert.StartsWith($"{UsersGatewayFactory.SiteUrl}/set-new-password?user={name}&auth=", link);
        Assert.DoesNotContain("attacker.example", link, StringComparison.Ordinal);
        Assert.NotEqual(auth, TokenOf(link));
    }

    [Fact]
    public async Task The_link_sets_a_new_password_once_and_ends_every_session()
    {
        var (name, auth, secret, link) = await Requested();
        using var anonymous = gateway.CreateClient();

        var page = await anonymous.GetAsync(new Uri(link).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("action=\"/set-new-password\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());

        var done = await anonymous.PostForm("/api/set-new-password", ("user", name), ("auth", TokenOf(link)), ("password", "brand-new-password"));

        AssertOk(done);
        var newAuth = done.GetProperty("auth").GetString()!;
        var newSecret = done.GetProperty("apisecret").GetString()!;
        Assert.NotEqual(auth, newAuth);
        Assert.NotEqual(secret, newSecret);
        using var old = gateway.CreateClient().WithBearer(auth);
        AssertError(await old.PostForm("/api/updateprofile", ("apisecret", secret), ("about", ""), ("email", ""), ("password", "")), "Not authenticated.");
        AssertError(await anonymous.Get($"/api/login?username={name}&password=old-password"), "No match for the specified username / password pair.");
        Assert.Equal(newAuth, (await anonymous.Get($"/api/login?username={name}&password=brand-new-password")).GetProperty("auth").GetString());
        AssertError(await anonymous.PostForm("/api/set-new-password", ("user", name), ("auth", TokenOf(link)), ("password", "another-password")),
            "Link invalid or expired.");
    }

    [Fact]
    public async Task The_form_signs_the_browser_in_with_the_new_session()
    {
        var (name, _, _, link) = await Requested();
        using var browser = gateway.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var form = new FormUrlEncodedContent([new("user", name), new("auth", TokenOf(link)), new("password", "brand-new-password")]);

        var response = await browser.PostAsync("/set-new-password", form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/user/{name}", response.Headers.Location?.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        var login = await browser.Get($"/api/login?username={name}&password=brand-new-password");
        Assert.StartsWith($"auth={login.GetProperty("auth").GetString()};", cookie);
    }

    [Fact]
    public async Task An_expired_a_wrong_or_a_foreign_link_is_refused()
    {
        var (name, _, _, link) = await Requested();
        var (other, _, _, _) = await Requested();
        using var anonymous = gateway.CreateClient();
        var set = (string user, string token) => anonymous.PostForm("/api/set-new-password", ("user", user), ("auth", token), ("password", "brand-new-password"));

        AssertError(await set(other, TokenOf(link)), "Link invalid or expired.");
        AssertError(await set(name, new string('0', 40)), "Link invalid or expired.");
        AssertError(await set(name, "not-a-token"), "Link invalid or expired.");
        AssertError(await anonymous.PostForm("/api/set-new-password", ("user", name), ("auth", TokenOf(link)), ("password", "short")),
            "Password is too short. Min length: 8");
        gateway.Clock.Advance(TimeSpan.FromSeconds(3601));
        AssertError(await set(name, TokenOf(link)), "Link invalid or expired.");
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("not a url", false)]
    [InlineData("ftp://news.example", false)]
    [InlineData("http://lamernews.com", false)]
    [InlineData("https://news.example/", true)]
    public void Reset_mails_are_refused_without_a_site_url_of_our_own(string configured, bool usable) =>
        Assert.Equal(usable, UsersApi.SiteUrl(new NewsOptions { SiteUrl = configured }) is not null);
}
