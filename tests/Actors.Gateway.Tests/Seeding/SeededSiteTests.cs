using System.Net;
using System.Text.Json;
using Actors.EventSourcing;
using Actors.News;
using Actors.Users;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Seeding;

/// <summary>The gateway started with <c>Seed:News=300</c>: seeded in memory before it answers.</summary>
public sealed class SeededGatewayFactory : WebApplicationFactory<Program>
{
    public const int News = 300;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Orleans:SiloPort", GatewayFactory.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", GatewayFactory.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("News:UserCreationDelaySeconds", "0");
        builder.UseSetting("News:NewsSubmissionBreakSeconds", "0");
        builder.UseSetting("Users:PasswordHashIterations", "1000");
        builder.UseSetting("Seed:News", News.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Seed:Users", "150");
        builder.UseSetting("Seed:Days", "60");
    }
}

public sealed class SeededSiteTests(SeededGatewayFactory gateway) : IClassFixture<SeededGatewayFactory>
{
    private async Task<List<RecordedEvent>> NewsEventsAsync()
    {
        var log = gateway.Services.GetRequiredService<IEventLog>();
        var all = new List<RecordedEvent>();
        while (true)
        {
            var page = await log.ReadAllAsync(all.Count == 0 ? 0 : all[^1].Position, 4096, NewsStreams.Category);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
        }
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, params (string, string)[] form)
    {
        using var content = new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)));
        var response = await client.PostAsync(path, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Top_and_latest_list_every_live_seeded_news_in_the_order_of_its_votes_and_time()
    {
        var events = await NewsEventsAsync();
        var deleted = events.Where(e => e.Data is NewsDeleted).Select(e => ((NewsDeleted)e.Data).NewsId).ToHashSet();
        var up = events.Where(e => e.Data is NewsUpvoted).GroupBy(e => ((NewsUpvoted)e.Data).NewsId).ToDictionary(g => g.Key, g => g.Count());
        var down = events.Where(e => e.Data is NewsDownvoted).GroupBy(e => ((NewsDownvoted)e.Data).NewsId).ToDictionary(g => g.Key, g => g.Count());
        var client = gateway.CreateClient();

        var top = await GetAsync(client, "/api/getnews/top/0/30");
        var latest = await GetAsync(client, "/api/getnews/latest/0/30");

        // Every live news of the log (the seeded ones; another test of this class may have added one since).
        var live = events.Select(e => e.Data).OfType<NewsSubmitted>().Select(s => s.NewsId).Where(i => !deleted.Contains(i)).ToArray();
        Assert.True(live.Count(i => i <= SeededGatewayFactory.News) >= SeededGatewayFactory.News * 0.9);
        Assert.Equal(live.Length, top.GetProperty("count").GetInt32());
        Assert.Equal(live.Length, latest.GetProperty("count").GetInt32());
        var latestIds = latest.GetProperty("news").EnumerateArray().Select(n => n.GetProperty("id").GetInt64()).ToArray();
        Assert.Equal(live.OrderDescending().Take(30), latestIds);
        var options = new NewsOptions();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var ranks = new List<double>();
        foreach (var item in top.GetProperty("news").EnumerateArray())
        {
            var id = item.GetProperty("id").GetInt64();
            Assert.DoesNotContain(id, deleted);
            Assert.Equal(up.GetValueOrDefault(id), item.GetProperty("up").GetInt32());
            Assert.Equal(down.GetValueOrDefault(id), item.GetProperty("down").GetInt32());
            ranks.Add(NewsRanking.Rank(NewsRanking.Score(up.GetValueOrDefault(id), down.GetValueOrDefault(id), options), now - item.GetProperty("ctime").GetInt64(), options));
        }

        // Ranked a second or two earlier than this check: ranks computed now keep the order within a hair.
        for (var i = 1; i < ranks.Count; i++)
        {
            Assert.True(ranks[i] <= ranks[i - 1] * 1.0001 + 1e-9, $"rank {i}: {ranks[i]} after {ranks[i - 1]}");
        }
    }

    [Fact]
    public async Task A_seeded_user_logs_in_with_the_seed_password_and_submits_votes_and_comments_with_the_next_ids()
    {
        var events = await NewsEventsAsync();
        var client = gateway.CreateClient();
        var login = await PostAsync(client, "/api/login", ("username", "user7"), ("password", "password1"));
        Assert.Equal("ok", login.GetProperty("status").GetString());
        client.DefaultRequestHeaders.Authorization = new("Bearer", login.GetProperty("auth").GetString());
        var secret = login.GetProperty("apisecret").GetString()!;
        var userId = await gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IUsernameGrain>("user7").GetUserId();

        var submitted = await PostAsync(client, "/api/submit", ("apisecret", secret), ("news_id", "-1"), ("title", "After the seed"), ("url", "https://example.com/after-the-seed"), ("text", ""));
        Assert.Equal(SeededGatewayFactory.News + 1, submitted.GetProperty("news_id").GetInt64());

        // A live news this user neither wrote nor voted on, with its next comment id.
        var target = events.Where(e => e.Data is NewsSubmitted s && s.UserId != userId).Select(e => ((NewsSubmitted)e.Data).NewsId)
            .Where(id => !events.Any(e => e.Data is NewsDeleted d && d.NewsId == id))
            .First(id => !events.Any(e => (e.Data is NewsUpvoted u && u.NewsId == id && u.VoterId == userId) || (e.Data is NewsDownvoted d && d.NewsId == id && d.VoterId == userId)));
        var comments = events.Count(e => e.Data is CommentPosted c && c.NewsId == target);
        var vote = await PostAsync(client, "/api/votenews", ("apisecret", secret), ("news_id", target.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("vote_type", "up"));
        Assert.Equal("ok", vote.GetProperty("status").GetString());
        var comment = await PostAsync(client, "/api/postcomment", ("apisecret", secret), ("news_id", target.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("comment_id", "-1"), ("parent_id", "-1"), ("comment", "Written after the seed"));
        Assert.Equal(comments + 1, comment.GetProperty("comment_id").GetInt64());

        var created = await PostAsync(gateway.CreateClient(), "/api/create_account", ("username", "afterseed"), ("password", "password1"));
        Assert.Equal("ok", created.GetProperty("status").GetString());
        Assert.Equal(151, await gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IUsernameGrain>("afterseed").GetUserId());
        // The seeded URL guard of a recent link still answers a repost with the old id.
        var recent = events.Select(e => e.Data).OfType<NewsSubmitted>().Last(s => !s.Url.StartsWith("text://", StringComparison.Ordinal)
            && !events.Any(e => e.Data is NewsDeleted d && d.NewsId == s.NewsId));
        var repost = await PostAsync(client, "/api/submit", ("apisecret", secret), ("news_id", "-1"), ("title", "Again"), ("url", recent.Url), ("text", ""));
        Assert.Equal(recent.NewsId, repost.GetProperty("news_id").GetInt64());
    }

    [Fact]
    public async Task A_seeded_users_page_lists_what_they_posted()
    {
        var events = await NewsEventsAsync();
        var posted = events.Select(e => e.Data).OfType<NewsSubmitted>().Where(s => s.UserId == 2).Select(s => s.NewsId).Reverse().Take(10).ToArray();
        var page = await gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserNewsGrain>(2).GetPosted(0, 10);
        Assert.Equal(posted, page.Items);
    }
}
