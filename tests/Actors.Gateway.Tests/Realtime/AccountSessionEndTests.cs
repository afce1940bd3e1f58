using Actors.Accounts;
using Actors.Gateway.Users;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;
using static Actors.Tests.Users.UsersApiClient;

namespace Actors.Tests.Realtime;

/// <summary>An <c>account.&lt;id&gt;</c> subscription lives only as long as the session it was granted under.</summary>
[Collection(RealtimeCollection.Name)]
public class AccountSessionEndTests(RealtimeGatewayFactory gateway)
{
    private IGrainFactory Grains => gateway.Services.GetRequiredService<IGrainFactory>();

    [Theory]
    [InlineData("logout")]
    [InlineData("password change")]
    public async Task Account_pushes_stop_at_once_when_the_owners_session_ends(string how)
    {
        var owner = await gateway.NewUserAsync();
        var account = await SignUp.FirstAccountAsync(Grains, owner.Id);
        await using var ws = await gateway.ConnectAsync(owner.Token);
        Assert.Equal("ok", (await ws.RequestAsync("subscribe", new { channel = $"account.{account}" })).Event());

        using var http = gateway.CreateClient().WithBearer(owner.Token);
        AssertOk(how == "logout"
            ? await http.PostForm("/api/logout", ("apisecret", owner.ApiSecret))
            : await http.PostForm("/api/updateprofile", ("apisecret", owner.ApiSecret), ("about", ""), ("email", ""), ("password", "a-new-password")));
        // The owner again, under the session that is current now: still allowed, and the witness that a push went out.
        var current = (await Grains.GetGrain<IUserGrain>(owner.Id).GetCredentials())!.AuthToken;
        await using var renewed = await gateway.ConnectAsync(current);
        Assert.Equal("ok", (await renewed.RequestAsync("subscribe", new { channel = $"account.{account}" })).Event());
        await Grains.GetGrain<IAccountGrain>(account).Deposit(owner.Id, 1234);
        await renewed.PushAsync(p => p.Event() == "accounts.money-deposited");

        // One outbox per socket, pushes and replies in order: whatever was pushed to the old socket arrives before this reply.
        Assert.Equal("ok", (await ws.RequestAsync("unsubscribe", new { channel = "news.latest" })).Event());
        Assert.DoesNotContain(ws.Pushes, p => p.Event() == "accounts.money-deposited");
        Assert.Contains(ws.Pushes, p => p.Event() == "unsubscribed" && p.Channel() == $"account.{account}");
        Assert.StartsWith("Not allowed", (await ws.RequestAsync("subscribe", new { channel = $"account.{account}" })).Error());
    }

    [Fact]
    public async Task A_late_signal_that_names_the_sockets_own_token_as_current_keeps_the_subscription()
    {
        // E.g. the users event of a logout arriving after the user signed in again (login answers the token that logout set).
        var owner = await gateway.NewUserAsync();
        var account = await SignUp.FirstAccountAsync(Grains, owner.Id);
        await using var ws = await gateway.ConnectAsync(owner.Token);
        Assert.Equal("ok", (await ws.RequestAsync("subscribe", new { channel = $"account.{account}" })).Event());
        var signals = gateway.Services.GetRequiredService<SessionSignals>();

        signals.SessionsEnded(owner.Id, owner.Token);
        await Grains.GetGrain<IAccountGrain>(account).Deposit(owner.Id, 10);
        await ws.PushAsync(p => p.Event() == "accounts.money-deposited");

        signals.SessionsEnded(owner.Id, currentToken: null);
        await ws.PushAsync(p => p.Event() == "unsubscribed");
    }
}
