using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Realtime;

/// <summary>
/// The realtime gateway with the domain clock stopped: ranks do not age, so the front page changes only by the commands
/// of the test and a list rebuilt from the pushes can be compared with the HTTP one exactly.
/// </summary>
public sealed class FrozenClockRealtimeGatewayFactory : RealtimeGatewayFactory
{
    private sealed class FrozenClock : TimeProvider
    {
        private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("News:UserInitialKarma", "100"); // enough to vote down
        builder.ConfigureTestServices(services => services.AddKeyedSingleton<TimeProvider>(DomainClock.Key, new FrozenClock()));
    }
}

[CollectionDefinition(Name)]
public sealed class FrozenClockRealtimeCollection : ICollectionFixture<FrozenClockRealtimeGatewayFactory>
{
    public const string Name = "realtime-frozen-clock";
}

[Collection(FrozenClockRealtimeCollection.Name)]
public class TopDiffTests(FrozenClockRealtimeGatewayFactory gateway)
{
    /// <summary>The front page as a client holds it: id -> item (with its rank), updated by the pushes.</summary>
    private sealed class TopList
    {
        private readonly Dictionary<long, Dictionary<string, JsonElement>> _items = [];

        public long Rev { get; private set; }

        public void Snapshot(JsonElement push)
        {
            Assert.Equal("news.top-snapshot", push.Event());
            _items.Clear();
            foreach (var item in push.GetProperty("data").GetProperty("news").EnumerateArray())
            {
                _items[item.GetProperty("id").GetInt64()] = item.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
            }

            Rev = push.GetProperty("data").GetProperty("rev").GetInt64();
        }

        public void Apply(JsonElement push)
        {
            var data = push.GetProperty("data");
            Assert.Equal(Rev, data.GetProperty("base").GetInt64());
            foreach (var id in data.GetProperty("removed").EnumerateArray())
            {
                Assert.True(_items.Remove(id.GetInt64()), $"removed {id} was not listed");
            }

            foreach (var item in data.GetProperty("set").EnumerateArray())
            {
                var id = item.GetProperty("id").GetInt64();
                if (!_items.TryGetValue(id, out var fields))
                {
                    Assert.True(item.TryGetProperty("title", out _), $"news {id} entered without its content");
                    _items[id] = fields = [];
                }

                foreach (var p in item.EnumerateObject())
                {
                    fields[p.Name] = p.Value.Clone();
                }
            }

            Rev = data.GetProperty("rev").GetInt64();
        }

        /// <summary>"id up down comments title" per line, by rank.</summary>
        public string Render()
        {
            var ranked = _items.Values.OrderBy(f => f["rank"].GetInt32()).ToList();
            Assert.Equal(Enumerable.Range(1, ranked.Count), ranked.Select(f => f["rank"].GetInt32()));
            return string.Join('\n', ranked.Select(f =>
                $"{f["id"].GetInt64()} {f["up"].GetInt32()} {f["down"].GetInt32()} {f["comments"].GetInt32()} {f["title"].GetString()}"));
        }
    }

    /// <summary>Applies the diff pushes, in rev order, until one covers <paramref name="position"/>.</summary>
    private static async Task CatchUpAsync(WsClient watcher, TopList client, long position)
    {
        while (true)
        {
            var rev = client.Rev + 1;
            var push = await watcher.PushAsync(p => p.Event() == "news.top-changed" && p.GetProperty("data").GetProperty("rev").GetInt64() == rev);
            client.Apply(push);
            if (push.Position() >= position)
            {
                return;
            }
        }
    }

    [Fact]
    public async Task Diffs_applied_in_order_to_the_snapshot_give_the_front_page_of_the_http_api()
    {
        var authors = new[] { await gateway.NewUserAsync("a"), await gateway.NewUserAsync("a") };
        var voters = new[] { await gateway.NewUserAsync("v"), await gateway.NewUserAsync("v"), await gateway.NewUserAsync("v") };
        var authorSockets = await Task.WhenAll(authors.Select(a => gateway.ConnectAsync(a.Token)));
        var voterSockets = await Task.WhenAll(voters.Select(v => gateway.ConnectAsync(v.Token)));
        await using var watcher = await gateway.ConnectAsync();
        var client = new TopList();
        var subscribed = false;

        // Every command is followed by the push that covers its position (awaited, never slept on), applied in order.
        async Task<JsonElement> Command(WsClient ws, string name, object data)
        {
            var reply = await ws.RequestAsync(name, data);
            Assert.True(reply.Event() == "ok", reply.ToString());
            if (subscribed)
            {
                await CatchUpAsync(watcher, client, reply.Position());
            }

            return reply;
        }

        async Task<long> Submit(int author, string title)
        {
            var reply = await Command(authorSockets[author], "news.submit", new { title, url = $"https://example.com/{Guid.NewGuid():N}" });
            return reply.GetProperty("data").GetProperty("news_id").GetInt64();
        }

        Task Vote(int voter, long id, string direction) =>
            Command(voterSockets[voter], "news.vote", new { news_id = id.ToString(CultureInfo.InvariantCulture), vote_type = direction });

        var first = await Submit(0, "First");
        var reply = await watcher.RequestAsync("subscribe", new { channel = "news.top" });
        client.Snapshot(await watcher.PushAsync(p => p.Event() == "news.top-snapshot"));
        Assert.Equal(client.Rev, reply.GetProperty("data").GetProperty("rev").GetInt64());
        subscribed = true;

        var second = await Submit(1, "Second <b>bold</b>");
        var third = await Submit(0, "Third");
        await Vote(0, first, "up");                 // First moves to the top
        await Vote(1, first, "up");
        await Vote(2, third, "down");               // Third sinks
        await Vote(0, second, "up");
        await Command(voterSockets[1], "comment.post", new { news_id = second, comment_id = "-1", parent_id = "-1", comment = "hi" });
        await Command(authorSockets[0], "news.edit", new { news_id = third, title = "Third, edited", url = $"https://example.com/{Guid.NewGuid():N}" });
        await Command(authorSockets[1], "news.delete", new { news_id = second });   // Second leaves

        using var http = gateway.CreateClient();
        var page = await http.GetFromJsonAsync<JsonElement>("/api/getnews/top/0/30");
        var expected = string.Join('\n', page.GetProperty("news").EnumerateArray().Select(n =>
            $"{n.GetProperty("id").GetInt64()} {n.GetProperty("up").GetInt32()} {n.GetProperty("down").GetInt32()} {n.GetProperty("comments").GetInt32()} {n.GetProperty("title").GetString()}"));

        Assert.Equal(expected, client.Render());
        Assert.StartsWith($"{first} 3 0", client.Render(), StringComparison.Ordinal);
        Assert.DoesNotContain($"{second} ", client.Render(), StringComparison.Ordinal);
        foreach (var ws in authorSockets.Concat(voterSockets))
        {
            await ws.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_snapshot_comes_before_the_subscribe_reply_and_a_repeat_subscribe_sends_a_fresh_one()
    {
        var author = await gateway.NewUserAsync("a");
        await using var authorWs = await gateway.ConnectAsync(author.Token);
        await using var watcher = await gateway.ConnectAsync();

        var first = await watcher.RequestAsync("subscribe", new { channel = "news.top" });
        var snapshotsBeforeReply = watcher.Pushes.Count(p => p.Event() == "news.top-snapshot");
        var submitted = await authorWs.RequestAsync("news.submit", new { title = "Fresh", url = $"https://example.com/{Guid.NewGuid():N}" });
        var id = submitted.GetProperty("data").GetProperty("news_id").GetInt64();
        await watcher.PushAsync(p => p.Event() == "news.top-changed" && p.Position() >= submitted.Position());
        var again = await watcher.RequestAsync("subscribe", new { channel = "news.top" });
        var second = watcher.Pushes.Last(p => p.Event() == "news.top-snapshot");

        Assert.Equal(1, snapshotsBeforeReply);
        Assert.True(again.GetProperty("data").GetProperty("rev").GetInt64() > first.GetProperty("data").GetProperty("rev").GetInt64());
        Assert.Equal(again.GetProperty("data").GetProperty("rev").GetInt64(), second.GetProperty("data").GetProperty("rev").GetInt64());
        Assert.Contains(second.GetProperty("data").GetProperty("news").EnumerateArray(), n => n.GetProperty("id").GetInt64() == id);
    }

    [Fact]
    public async Task A_vote_pushes_only_the_news_that_changed_or_moved()
    {
        var author = await gateway.NewUserAsync("a");
        var voter = await gateway.NewUserAsync("v");
        await using var authorWs = await gateway.ConnectAsync(author.Token);
        await using var voterWs = await gateway.ConnectAsync(voter.Token);
        await using var watcher = await gateway.ConnectAsync();
        await watcher.RequestAsync("subscribe", new { channel = "news.top" });
        var client = new TopList();
        client.Snapshot(await watcher.PushAsync(p => p.Event() == "news.top-snapshot"));
        var older = (await authorWs.RequestAsync("news.submit", new { title = "Older", url = $"https://example.com/{Guid.NewGuid():N}" })).GetProperty("data").GetProperty("news_id").GetInt64();
        var submitted = await authorWs.RequestAsync("news.submit", new { title = "Newer", url = $"https://example.com/{Guid.NewGuid():N}" });
        var newer = submitted.GetProperty("data").GetProperty("news_id").GetInt64();
        await CatchUpAsync(watcher, client, submitted.Position());
        // The two news are on different log partitions, delivered independently: the push carrying the newer one's
        // position need not include the older one yet. Follow the pushes until both are listed.
        List<long> Listed() => client.Render().Split('\n').Where(line => line.Length > 0).Select(line => long.Parse(line.Split(' ')[0], CultureInfo.InvariantCulture)).ToList();
        while (!Listed().Contains(older) || !Listed().Contains(newer))
        {
            await CatchUpAsync(watcher, client, 0);
        }

        var listed = Listed();
        Assert.True(listed.IndexOf(newer) >= 0 && listed.IndexOf(newer) < listed.IndexOf(older), "same score: the newer news ranks first");

        var vote = await voterWs.RequestAsync("news.vote", new { news_id = older.ToString(CultureInfo.InvariantCulture), vote_type = "up" });
        var push = await watcher.PushAsync(p => p.Event() == "news.top-changed" && p.Position() >= vote.Position());
        var set = push.GetProperty("data").GetProperty("set").EnumerateArray().ToList();

        // The voted news changed (full item, now above the newer one); the news it passed only moved (id and rank).
        var voted = Assert.Single(set, n => n.GetProperty("id").GetInt64() == older);
        var passed = Assert.Single(set, n => n.GetProperty("id").GetInt64() == newer);
        Assert.Equal(2, voted.GetProperty("up").GetInt32());
        Assert.True(voted.GetProperty("score").GetDouble() > 0);
        Assert.Equal(voted.GetProperty("rank").GetInt32() + 1, passed.GetProperty("rank").GetInt32());
        Assert.False(passed.TryGetProperty("title", out _));
        // Exactly the news from the voted one's new rank down to its old one.
        Assert.Equal(listed.IndexOf(older) + 1 - voted.GetProperty("rank").GetInt32() + 1, set.Count);
        Assert.Empty(push.GetProperty("data").GetProperty("removed").EnumerateArray());
    }
}
