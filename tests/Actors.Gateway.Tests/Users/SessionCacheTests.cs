using System.Text.Json;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;
using static Actors.Tests.Users.UsersApiClient;

namespace Actors.Tests.Users;

/// <summary>
/// News commands take the user's identity from the gateway's session cache: what must still hold is that a logout,
/// here or anywhere else, ends the session for them at once (or as soon as the users event arrives).
/// </summary>
[Collection(GatewayCollection.Name)]
public class SessionCacheTests(GatewayFactory gateway)
{
    private const string NotAuthenticated = "Not authenticated.";

    // A vote on a news that does not exist: signed in and the secret right, so the answer is the news' error, not the
    // session's; and it leaves nothing behind.
    private static Task<JsonElement> VoteOnNoNews(HttpClient client, string secret) =>
        client.PostForm("/api/votenews", ("apisecret", secret), ("news_id", "999999999999"), ("vote_type", "up"));

    private static string? ErrorOf(JsonElement body) => body.GetProperty("error").GetString();

    [Fact]
    public async Task A_news_command_right_after_a_logout_on_this_gateway_is_not_authenticated()
    {
        using var anonymous = gateway.CreateClient();
        var (auth, secret) = await anonymous.CreateAccount(FreshName());
        using var client = gateway.CreateClient().WithBearer(auth);
        Assert.NotEqual(NotAuthenticated, ErrorOf(await VoteOnNoNews(client, secret)));
        Assert.NotEqual(NotAuthenticated, ErrorOf(await VoteOnNoNews(client, secret)));

        AssertOk(await client.PostForm("/api/logout", ("apisecret", secret)));

        AssertError(await VoteOnNoNews(client, secret), NotAuthenticated);
    }

    [Fact]
    public async Task A_logout_that_did_not_pass_through_this_gateway_ends_the_cached_session_too()
    {
        using var anonymous = gateway.CreateClient();
        var name = FreshName();
        var (auth, secret) = await anonymous.CreateAccount(name);
        using var client = gateway.CreateClient().WithBearer(auth);
        Assert.NotEqual(NotAuthenticated, ErrorOf(await VoteOnNoNews(client, secret)));

        // As another gateway would: straight to the user grain. Only the users event can tell this gateway.
        var grains = gateway.Services.GetRequiredService<IGrainFactory>();
        var id = await grains.GetGrain<IUsernameGrain>(name.ToLowerInvariant()).GetUserId();
        Assert.True(await grains.GetGrain<IUserGrain>(id!.Value).Logout(auth));

        // Well within the cache's own lifetime (30 s): only the event can end it this soon.
        await Eventually(async () => ErrorOf(await VoteOnNoNews(client, secret)) == NotAuthenticated, "the cached session ends with the logout",
            timeoutSeconds: 10);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_even_when_the_session_is_cached()
    {
        using var anonymous = gateway.CreateClient();
        var (auth, secret) = await anonymous.CreateAccount(FreshName());
        using var client = gateway.CreateClient().WithBearer(auth);
        Assert.NotEqual(NotAuthenticated, ErrorOf(await VoteOnNoNews(client, secret)));

        AssertError(await VoteOnNoNews(client, secret + "x"), "Wrong form secret.");
        AssertError(await VoteOnNoNews(client, ""), "Wrong form secret.");
    }
}
