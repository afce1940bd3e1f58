using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;

namespace Actors.Tests.Realtime;

/// <summary>
/// Trending and per-news activity at the gateway: <c>/api/getnews/trending/:start/:count</c> (the Lamernews envelope and
/// sentences of the other sorts), the <c>/trending</c> page, the sparkline on a news page and the <c>news.trending</c>
/// channel (snapshot, then diffs that carry each news' activity), with bad input answered clearly.
/// </summary>
[Collection(RealtimeCollection.Name)]
public class TrendingTests(RealtimeGatewayFactory gateway)
{
    private static async Task<long> SubmitAsync(WsClient ws)
    {
        var reply = await ws.RequestAsync("news.submit", new { title = "Trending candidate", url = $"https://example.com/{Guid.NewGuid():N}" });
        Assert.True(reply.Event() == "ok", reply.ToString());
        return reply.GetProperty("data").GetProperty("news_id").GetInt64();
    }

    private async Task VoteAsync(long newsId)
    {
        var voter = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(voter.Token);
        var reply = await ws.RequestAsync("news.vote", new { news_id = newsId.ToString(System.Globalization.CultureInfo.InvariantCulture), vote_type = "up" });
        Assert.True(reply.Event() == "ok", reply.ToString());
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var http = gateway.CreateClient();
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static List<long> Ids(JsonElement page) =>
        [.. page.GetProperty("news").EnumerateArray().Select(n => n.GetProperty("id").GetInt64())];

    [Fact]
    public async Task Given_votes_on_a_news_when_trending_is_read_over_http_then_it_ranks_above_a_news_with_fewer()
    {
        var author = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(author.Token);
        var busy = await SubmitAsync(ws);
        var quiet = await SubmitAsync(ws);
        await VoteAsync(busy);
        await VoteAsync(busy);
        await VoteAsync(quiet);

        var page = await Polling.Eventually(
            () => GetAsync("/api/getnews/trending/0/32"),
            p => Ids(p).Contains(busy) && Ids(p).Contains(quiet),
            "both news are trending",
            TimeSpan.FromSeconds(20));

        Assert.Equal("ok", page.GetProperty("status").GetString());
        Assert.True(Ids(page).IndexOf(busy) < Ids(page).IndexOf(quiet));
        Assert.True(page.GetProperty("count").GetInt32() >= 2);
        var second = await GetAsync($"/api/getnews/trending/{Ids(page).IndexOf(busy)}/1");
        Assert.Equal([busy], Ids(second));
    }

    [Theory]
    [InlineData("/api/getnews/trending/0/33", "Count is too big")]
    [InlineData("/api/getnews/trending/0/0", "Invalid count parameter")]
    [InlineData("/api/getnews/trending/0/many", "Invalid count parameter")]
    [InlineData("/api/getnews/trending/-1/10", "Invalid start parameter")]
    [InlineData("/api/getnews/trendin/0/10", "Invalid sort parameter")]
    public async Task Given_bad_paging_when_trending_is_asked_then_the_sentence_of_the_other_sorts_answers(string path, string error)
    {
        var answer = await GetAsync(path);

        Assert.Equal("err", answer.GetProperty("status").GetString());
        Assert.Equal(error, answer.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Given_a_start_past_every_trending_news_when_read_then_the_page_is_empty()
    {
        var answer = await GetAsync("/api/getnews/trending/2147483647/32");

        Assert.Equal("ok", answer.GetProperty("status").GetString());
        Assert.Empty(Ids(answer));
    }

    [Fact]
    public async Task Given_the_trending_page_when_served_then_it_lists_the_news_with_their_activity_and_follows_the_channel_without_inline_script()
    {
        var author = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(author.Token);
        var id = await SubmitAsync(ws);
        await VoteAsync(id);
        using var http = gateway.CreateClient();

        var html = await Polling.Eventually(
            () => http.GetStringAsync("/trending"),
            h => h.Contains($"data-news-id=\"{id}\"", StringComparison.Ordinal),
            "the news is on the trending page",
            TimeSpan.FromSeconds(20));

        Assert.Contains("<h2>Trending news</h2>", html);
        Assert.Contains("data-channels=\"news.trending\"", html);
        Assert.Contains("in the last hour</span>", html);
        Assert.DoesNotContain("<script>", html);
        var response = await http.GetAsync("/trending");
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Given_votes_on_a_news_when_its_page_is_served_then_it_draws_the_votes_per_minute_as_an_inline_svg()
    {
        var author = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(author.Token);
        var id = await SubmitAsync(ws);
        await VoteAsync(id);
        await VoteAsync(id);
        using var http = gateway.CreateClient();

        var html = await Polling.Eventually(
            () => http.GetStringAsync($"/news/{id}"),
            h => h.Contains("data-total=\"2\"", StringComparison.Ordinal),
            "the votes are drawn",
            TimeSpan.FromSeconds(20));

        Assert.Contains("<svg class=\"sparkline\"", html);
        Assert.Contains("2 votes in the last 24 hours, at most 2 per minute", html);
        Assert.Contains("viewBox=\"0 0 1440 2\"", html);
    }

    [Fact]
    public async Task Given_a_subscriber_of_news_trending_when_a_news_gets_votes_then_a_diff_carries_its_activity_after_the_snapshot()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);
        var id = await SubmitAsync(ws);

        var reply = await ws.RequestAsync("subscribe", new { channel = "news.trending" });
        Assert.True(reply.Event() == "ok", reply.ToString());
        var snapshot = await ws.PushAsync(p => p.Event() == "news.trending-snapshot");
        Assert.Equal(reply.GetProperty("data").GetProperty("rev").GetInt64(), snapshot.GetProperty("data").GetProperty("rev").GetInt64());

        await VoteAsync(id);
        var changed = await ws.PushAsync(p => p.Event() == "news.trending-changed"
            && p.GetProperty("data").GetProperty("set").EnumerateArray().Any(n => n.GetProperty("id").GetInt64() == id && n.TryGetProperty("activity", out _)));

        var item = changed.GetProperty("data").GetProperty("set").EnumerateArray().First(n => n.GetProperty("id").GetInt64() == id);
        Assert.Equal(1, item.GetProperty("activity").GetInt64());
        Assert.Equal("news.trending", changed.Channel());
        Assert.True(changed.GetProperty("data").GetProperty("base").GetInt64() >= snapshot.GetProperty("data").GetProperty("rev").GetInt64());
    }

    [Theory]
    [InlineData("news.trendingx")]
    [InlineData("news.Trending")]
    [InlineData("trending")]
    public async Task Given_a_malformed_trending_channel_when_subscribed_then_the_reply_names_the_channels(string channel)
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);

        var reply = await ws.RequestAsync("subscribe", new { channel });

        Assert.Equal("Unknown channel. Channels: news.top, news.latest, news.trending, news.<id>, account.<id>.", reply.Error());
    }
}

/// <summary>A gateway with <c>Trending:Enabled=false</c>: the routes say so, and no window grain exists.</summary>
public sealed class TrendingOffGatewayFactory : RealtimeGatewayFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Trending:Enabled", "false");
    }
}

[CollectionDefinition(Name)]
public sealed class TrendingOffCollection : ICollectionFixture<TrendingOffGatewayFactory>
{
    public const string Name = "trending-off";
}

[Collection(TrendingOffCollection.Name)]
public class TrendingOffTests(TrendingOffGatewayFactory gateway)
{
    [Fact]
    public async Task Given_trending_turned_off_when_it_is_asked_for_then_every_door_says_so_and_news_pages_still_serve()
    {
        using var http = gateway.CreateClient();
        var api = JsonDocument.Parse(await http.GetStringAsync("/api/getnews/trending/0/10")).RootElement;
        var page = await http.GetStringAsync("/trending");
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);
        var reply = await ws.RequestAsync("subscribe", new { channel = "news.trending" });
        var top = JsonDocument.Parse(await http.GetStringAsync("/api/getnews/top/0/10")).RootElement;

        Assert.Equal("Trending is turned off on this site.", api.GetProperty("error").GetString());
        Assert.Contains("Trending is turned off on this site.", page);
        Assert.Equal("Trending is turned off on this site.", reply.Error());
        Assert.Equal("ok", top.GetProperty("status").GetString());
    }
}

/// <summary>Windows that make no sense stop the gateway at start with the sentence that says why.</summary>
public class TrendingSettingsTests
{
    private sealed class BadWindowsFactory(string key, string value) : RealtimeGatewayFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(key, value);
        }
    }

    [Theory]
    [InlineData("Trending:AdvanceSeconds", "7", "whole number of advances")]
    [InlineData("Trending:AdvanceSeconds", "0", "advance must be between")]
    [InlineData("Trending:GraceSeconds", "-5", "grace period must be between")]
    [InlineData("Trending:ActivityHours", "0", "ActivityHours must be between")]
    [InlineData("Trending:WindowMinutes", "60", "WindowMinutes")]
    public void Given_bad_window_settings_when_the_gateway_starts_then_it_fails_with_a_clear_message(string key, string value, string says)
    {
        using var factory = new BadWindowsFactory(key, value);

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var messages = string.Join(" | ", Flatten(failure).Select(e => e.Message));
        Assert.Contains(says, messages);
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        yield return e;
        if (e is AggregateException aggregate)
        {
            foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
            {
                yield return inner;
            }
        }
        else if (e.InnerException is { } inner)
        {
            foreach (var x in Flatten(inner))
            {
                yield return x;
            }
        }
    }
}
