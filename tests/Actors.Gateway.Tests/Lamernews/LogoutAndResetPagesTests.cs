using System.Net;
using Actors.Tests.News;
using System.Text.Json;

namespace Actors.Tests.Lamernews;

/// <summary>Lamernews' GET /logout?apisecret=, /reset-password and /reset-password-ok.</summary>
public sealed class LogoutAndResetPagesTests(LamerCompatGateway gateway) : NewsApiTestBase(gateway), IClassFixture<LamerCompatGateway>
{
    private static Task<JsonElement> Touch(Session user) =>
        Post(user.Client, "/api/updateprofile", ("apisecret", user.Secret), ("about", ""), ("email", ""), ("password", ""));

    [Fact]
    public async Task Given_a_signed_in_user_when_it_follows_the_logout_link_with_its_secret_then_every_session_ends_and_it_lands_on_the_front_page()
    {
        var user = await SignedIn();
        AssertOk(await Touch(user));

        using var response = await user.Client.GetAsync($"/logout?apisecret={user.Secret}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/", response.RequestMessage!.RequestUri!.AbsolutePath);
        AssertError(await Touch(user), "Not authenticated.");
    }

    [Fact]
    public async Task Given_a_logout_link_without_the_right_secret_when_followed_then_nothing_ends()
    {
        var user = await SignedIn();

        using var wrong = await user.Client.GetAsync("/logout?apisecret=0000000000000000000000000000000000000000");
        using var none = await user.Client.GetAsync("/logout");

        Assert.Equal("/", wrong.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("/", none.RequestMessage!.RequestUri!.AbsolutePath);
        AssertOk(await Touch(user));
    }

    [Fact]
    public async Task The_reset_pages_show_the_form_its_confirmation_and_the_login_page_links_to_them()
    {
        var anonymous = Anonymous();

        var form = await anonymous.GetStringAsync("/reset-password");
        var done = await anonymous.GetStringAsync("/reset-password-ok");
        var login = await anonymous.GetStringAsync("/login");

        Assert.Contains("<form id=\"resetform\">", form);
        Assert.Contains("id=\"username\"", form);
        Assert.Contains("id=\"email\"", form);
        Assert.DoesNotContain("<script>", form);
        Assert.Contains("You should receive an email", done);
        Assert.Contains("<a href=\"/reset-password\">", login);
    }
}
