using System.Net;
using Actors.Gateway.Hosting;
using Actors.Tests.Users;

namespace Actors.Tests.Operations;

/// <summary>The browser protections on every kind of answer: a page, a Lamernews API answer, a REST answer.</summary>
[Collection(GatewayCollection.Name)]
public class SecurityHeadersTests(GatewayFactory gateway)
{
    [Theory]
    [InlineData("/about")]
    [InlineData("/api/getnews/latest/0/10")]
    [InlineData("/api/accounts")]
    [InlineData("/no-such-page")]
    public async Task Every_answer_forbids_framing_sniffing_and_foreign_scripts(string path)
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync(path);

        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
    }

    [Fact]
    public async Task A_page_for_a_signed_in_user_is_not_stored_and_holds_no_inline_script()
    {
        using var client = gateway.CreateClient();
        var (auth, secret) = await client.CreateAccount(UsersApiClient.FreshName("h"));
        client.WithCookie(auth);

        var response = await client.GetAsync("/about");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"data-apisecret=\"{secret}\"", html, StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store on a page embedding the API secret");
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal); // the CSP would block it
    }

    [Fact]
    public async Task An_anonymous_page_may_be_cached()
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync("/about");

        Assert.NotEqual(true, response.Headers.CacheControl?.NoStore);
        Assert.DoesNotContain("data-apisecret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_answers_that_carry_a_session_token_are_not_stored()
    {
        using var client = gateway.CreateClient();
        var name = UsersApiClient.FreshName("c");
        using var form = new FormUrlEncodedContent([KeyValuePair.Create("username", name), KeyValuePair.Create("password", "secret-password")]);
        var created = await client.PostAsync("/api/create_account", form);
        using var again = new FormUrlEncodedContent([KeyValuePair.Create("username", name), KeyValuePair.Create("password", "secret-password")]);
        var login = await client.PostAsync("/api/login", again);

        Assert.Contains("\"apisecret\"", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(created.Headers.CacheControl?.NoStore, "create_account: no-store");
        Assert.Contains("\"apisecret\"", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(login.Headers.CacheControl?.NoStore, "login: no-store");
    }

    [Fact]
    public async Task The_dashboard_has_a_policy_of_its_own_that_still_forbids_framing()
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(SecurityHeaders.DashboardPolicy, Header(response, "Content-Security-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "";
}
