using System.Net.Http.Json;
using System.Text.Json;
using Actors.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Realtime;

[Collection(RealtimeCollection.Name)]
public class SubscriptionTests(RealtimeGatewayFactory gateway)
{
    private IGrainFactory Grains => gateway.Services.GetRequiredService<IGrainFactory>();

    private static async Task<long> SubmitAsync(WsClient ws, string title)
    {
        var reply = await ws.RequestAsync("news.submit", new { title, url = $"https://example.com/{Guid.NewGuid():N}" });
        Assert.True(reply.Event() == "ok", reply.ToString());
        return reply.GetProperty("data").GetProperty("news_id").GetInt64();
    }

    [Fact]
    public async Task Submitting_over_the_socket_goes_through_the_same_path_as_http_and_carries_a_position()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);

        var reply = await ws.RequestAsync("news.submit", new { title = "Same path", url = $"https://example.com/{Guid.NewGuid():N}" });
        Assert.True(reply.Event() == "ok", reply.ToString());
        var id = reply.GetProperty("data").GetProperty("news_id").GetInt64();
        using var http = gateway.CreateClient();
        var news = await http.GetFromJsonAsync<JsonElement>($"/api/getcomments/{id}");

        Assert.True(reply.Position() > 0);
        Assert.Equal("ok", news.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Shape_errors_over_the_socket_are_the_http_sentences()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);

        var noUrl = await ws.RequestAsync("news.submit", new { title = "x" });
        var badScheme = await ws.RequestAsync("news.submit", new { title = "x", url = "ftp://example.com" });
        var badVote = await ws.RequestAsync("news.vote", new { news_id = "1", vote_type = "sideways" });

        Assert.Equal("Please specify a news title and address or text.", noUrl.Error());
        Assert.Equal("We only accept http:// and https:// news.", badScheme.Error());
        Assert.Equal("Missing news ID or invalid vote type.", badVote.Error());
    }

    [Fact]
    public async Task A_vote_reaches_the_subscribers_of_the_news_at_or_after_the_position_of_its_reply()
    {
        var author = await gateway.NewUserAsync();
        var voter = await gateway.NewUserAsync();
        await using var authorWs = await gateway.ConnectAsync(author.Token);
        await using var voterWs = await gateway.ConnectAsync(voter.Token);
        var id = await SubmitAsync(authorWs, "Vote on me");
        await authorWs.RequestAsync("subscribe", new { channel = $"news.{id}" });

        var vote = await voterWs.RequestAsync("news.vote", new { news_id = id.ToString(System.Globalization.CultureInfo.InvariantCulture), vote_type = "up" });
        // The author's automatic up-vote was pushed too, earlier: look for the one at the vote's position.
        var push = await authorWs.PushAsync(p => p.Event() == "news.upvoted" && p.Position() >= vote.Position());

        Assert.Equal("ok", vote.Event());
        Assert.Equal($"news.{id}", push.Channel());
        Assert.Equal(id, push.GetProperty("data").GetProperty("news_id").GetInt64());
        Assert.Equal(vote.Position(), push.Position());
        Assert.False(push.GetProperty("data").TryGetProperty("voterId", out _));
    }

    [Fact]
    public async Task Comments_and_comment_votes_reach_the_subscribers_of_the_news()
    {
        var author = await gateway.NewUserAsync();
        var other = await gateway.NewUserAsync();
        await using var authorWs = await gateway.ConnectAsync(author.Token);
        await using var otherWs = await gateway.ConnectAsync(other.Token);
        var id = await SubmitAsync(authorWs, "Comment on me");
        await otherWs.RequestAsync("subscribe", new { channel = $"news.{id}" });

        var posted = await authorWs.RequestAsync("comment.post", new { news_id = id, comment = "<b>first</b> www.example.com" });
        var commentPush = await otherWs.PushAsync(p => p.Event() == "news.comment-posted");
        var commentId = posted.GetProperty("data").GetProperty("comment_id").GetInt64();
        var voted = await otherWs.RequestAsync("comment.vote", new { comment_id = $"{id}-{commentId}", vote_type = "up" });
        var votePush = await otherWs.PushAsync(p => p.Event() == "news.comment-upvoted");
        var edited = await authorWs.RequestAsync("comment.edit", new { news_id = id, comment_id = commentId, comment = "edited" });
        var editPush = await otherWs.PushAsync(p => p.Event() == "news.comment-edited");

        Assert.Equal("insert", posted.GetProperty("data").GetProperty("op").GetString());
        Assert.Equal("<b>first</b> www.example.com", commentPush.GetProperty("data").GetProperty("body").GetString());
        Assert.Equal(author.Name, commentPush.GetProperty("data").GetProperty("username").GetString());
        Assert.Equal("ok", voted.Event());
        Assert.Equal(commentId, votePush.GetProperty("data").GetProperty("comment_id").GetInt64());
        Assert.Equal("update", edited.GetProperty("data").GetProperty("op").GetString());
        Assert.Equal("edited", editPush.GetProperty("data").GetProperty("body").GetString());
    }

    [Fact]
    public async Task The_top_channel_pushes_the_changed_news_when_a_vote_changes_the_front_page()
    {
        var author = await gateway.NewUserAsync();
        var voter = await gateway.NewUserAsync();
        await using var authorWs = await gateway.ConnectAsync(author.Token);
        await using var voterWs = await gateway.ConnectAsync(voter.Token);
        await using var watcher = await gateway.ConnectAsync();
        var id = await SubmitAsync(authorWs, "Rising");
        await watcher.RequestAsync("subscribe", new { channel = "news.top" });

        var vote = await voterWs.RequestAsync("news.vote", new { news_id = id.ToString(System.Globalization.CultureInfo.InvariantCulture), vote_type = "up" });
        // The diff that shows the vote can come before the one carrying its position (when the ranking heard the vote
        // before this gateway did); once a push at or past the position is here, the vote is in the list.
        var push = await watcher.PushAsync(p => p.Event() == "news.top-changed" && p.Position() >= vote.Position());
        var latest = watcher.Pushes.Where(p => p.Event() == "news.top-changed")
            .SelectMany(p => p.GetProperty("data").GetProperty("set").EnumerateArray())
            .Last(n => n.GetProperty("id").GetInt64() == id && n.TryGetProperty("up", out _));

        Assert.Equal(2, latest.GetProperty("up").GetInt32());
        Assert.Equal("news.top", push.Channel());
        Assert.True(push.GetProperty("data").GetProperty("count").GetInt32() >= 1);
    }

    [Fact]
    public async Task The_latest_channel_pushes_new_news()
    {
        var author = await gateway.NewUserAsync();
        await using var authorWs = await gateway.ConnectAsync(author.Token);
        await using var watcher = await gateway.ConnectAsync();
        await watcher.RequestAsync("subscribe", new { channel = "news.latest" });

        var id = await SubmitAsync(authorWs, "Brand <new>");
        var push = await watcher.PushAsync(p => p.Event() == "news.submitted" && p.GetProperty("data").GetProperty("news_id").GetInt64() == id);

        Assert.Equal("Brand <new>", push.GetProperty("data").GetProperty("title").GetString());
        Assert.Equal(author.Name, push.GetProperty("data").GetProperty("username").GetString());
    }

    [Fact]
    public async Task After_unsubscribing_a_channel_its_pushes_stop()
    {
        var author = await gateway.NewUserAsync();
        await using var authorWs = await gateway.ConnectAsync(author.Token);
        await using var watcher = await gateway.ConnectAsync();
        var id = await SubmitAsync(authorWs, "Before edit");
        await watcher.RequestAsync("subscribe", new { channel = $"news.{id}" });
        await watcher.RequestAsync("subscribe", new { channel = "news.latest" });

        var unsubscribed = await watcher.RequestAsync("unsubscribe", new { channel = $"news.{id}" });
        await authorWs.RequestAsync("news.edit", new { news_id = id, title = "After edit", url = $"https://example.com/{Guid.NewGuid():N}" });
        // An edit is pushed to news.<id> first, then to news.latest: once the latter is here, the former would be too.
        await watcher.PushAsync(p => p.Event() == "news.edited" && p.Channel() == "news.latest");

        Assert.Equal("ok", unsubscribed.Event());
        Assert.DoesNotContain(watcher.Pushes, p => p.Channel() == $"news.{id}" && p.Event() == "news.edited");
    }

    [Theory]
    [InlineData("news.")]
    [InlineData("news.-1")]
    [InlineData("news.abc")]
    [InlineData("account.not-a-guid")]
    [InlineData("everything")]
    [InlineData("")]
    public async Task Subscribing_to_an_unknown_channel_is_refused(string channel)
    {
        await using var ws = await gateway.ConnectAsync();

        var reply = await ws.RequestAsync("subscribe", new { channel });

        Assert.StartsWith("Unknown channel.", reply.Error());
    }

    [Fact]
    public async Task Only_the_owner_may_follow_an_account()
    {
        var owner = await gateway.NewUserAsync();
        var stranger = await gateway.NewUserAsync();
        var account = await FirstAccountAsync(owner);
        await using var strangerWs = await gateway.ConnectAsync(stranger.Token);
        await using var anonymousWs = await gateway.ConnectAsync();

        var refused = await strangerWs.RequestAsync("subscribe", new { channel = $"account.{account}" });
        var anonymous = await anonymousWs.RequestAsync("subscribe", new { channel = $"account.{account}" });
        var unknown = await strangerWs.RequestAsync("subscribe", new { channel = $"account.{Guid.NewGuid()}" });

        Assert.Equal("Not allowed: only the owner follows an account.", refused.Error());
        Assert.Equal(refused.Error(), anonymous.Error());
        Assert.Equal(refused.Error(), unknown.Error());
    }

    [Fact]
    public async Task The_owner_follows_the_events_and_balance_of_an_account()
    {
        var owner = await gateway.NewUserAsync();
        var account = await FirstAccountAsync(owner);
        await using var ws = await gateway.ConnectAsync(owner.Token);

        var subscribed = await ws.RequestAsync("subscribe", new { channel = $"account.{account}" });
        await Grains.GetGrain<IAccountGrain>(account).Deposit(owner.Id, 1234);
        var push = await ws.PushAsync(p => p.Event() == "accounts.money-deposited");

        Assert.Equal(0, subscribed.GetProperty("data").GetProperty("account").GetProperty("balance").GetInt64());
        Assert.Equal($"account.{account}", push.Channel());
        Assert.Equal(1234, push.GetProperty("data").GetProperty("balance").GetInt64());
        Assert.Equal(1234, push.GetProperty("data").GetProperty("event").GetProperty("amount").GetInt64());
    }

    private async Task<Guid> FirstAccountAsync(TestUser user)
    {
        // The first account is opened by the accounts slice when it hears UserCreated.
        return await SignUp.FirstAccountAsync(Grains, user.Id);
    }
}
