using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Actors.Tests.Infrastructure;
using Actors.Users;
using Npgsql;

namespace Actors.Tests.Import;

/// <summary>
/// The silo's <c>import-lamernews</c> command against a throwaway Redis holding a Lamernews site (written in Lamernews'
/// key layout) and a throwaway PostgreSQL database; then a silo and a gateway serving the imported site.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class LamernewsImportTests(PostgresFixture postgres)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Given_a_Lamernews_Redis_when_imported_twice_then_a_silo_serves_the_same_site_once_and_old_passwords_work()
    {
        await using var redis = await ThrowawayRedis.StartAsync();
        var site = new LamernewsRedis(redis.Db);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var t = now - (3 * 86400);
        var admin = await site.CreateUserAsync("admin", "admin password", t - 1000, karma: 10);
        var alice = await site.CreateUserAsync("Alice", "old secret pw", t - 900, karma: 57, about: "I write.", email: "alice@example.com", replies: 2);
        var bob = await site.CreateUserAsync("bob", "bob password", t - 800, karma: 3, replies: 1);
        var carol = await site.CreateUserAsync("carol", "carol password", t - 700, karma: 40);

        var one = await site.SubmitAsync(alice.Id, "The first news", "https://example.com/one", null, t);
        await site.VoteAsync(one, bob.Id, up: true, t + 60);
        await site.VoteAsync(one, carol.Id, up: true, t + 120);
        await site.VoteAsync(one, admin.Id, up: false, t + 180);
        var text = await site.SubmitAsync(bob.Id, "Ask: a text post", null, "Hello\nworld", t + 3600);
        await site.VoteAsync(text, carol.Id, up: false, t + 3700);
        var gone = await site.SubmitAsync(carol.Id, "Deleted later", "https://example.com/gone", null, t + 7200);
        await site.VoteAsync(gone, alice.Id, up: true, t + 7300);
        await site.DeleteNewsAsync(gone);
        var recent = await site.SubmitAsync(admin.Id, "Recent link", "https://example.com/four", null, now - 600);

        var first = await site.CommentAsync(one, alice.Id, -1, "First!", t + 300, up: [bob.Id], down: [carol.Id]);
        var removed = await site.CommentAsync(one, bob.Id, first, "I disagree", t + 400, deleted: true);
        await site.CommentAsync(one, carol.Id, removed, "Why?", t + 500, up: [admin.Id]);
        // Lamernews lets one user vote a comment both ways; here the up vote is kept.
        await site.CommentAsync(text, alice.Id, -1, "Nice post", t + 3800, up: [carol.Id], down: [carol.Id]);
        await redis.Db.HashSetAsync($"thread:comment:{text}", "2", "{not json");
        await redis.Db.HashSetAsync($"thread:comment:{text}", "nextid", 2);
        // Saved without an up-vote: not something Lamernews writes, reported and left out.
        await redis.Db.SortedSetAddAsync($"user.saved:{bob.Id}", recent, now);

        await using var cluster = new ProcessCluster(await postgres.Server.CreateDatabaseAsync("lamerimport"));
        var (exit, output) = await cluster.RunSiloCommandAsync(CommandTimeout, "import-lamernews", "--redis", redis.Address);
        Assert.True(exit == 0, output);
        Assert.Contains("users: 4 (1 admin, 3 unread replies)", output);
        Assert.Contains("news: 4 (1 text posts, 1 deleted)", output);
        Assert.Contains("news votes: 7 up, 2 down", output);
        Assert.Contains("comments: 4 (1 deleted)", output);
        Assert.Contains("comment votes: 3 up, 1 down", output);
        Assert.Contains("saved: 7", output);
        Assert.Contains($"thread:comment:{text} field 2: malformed JSON", output);
        Assert.Contains($"thread:comment:{text} comment 1: user {carol.Id} voted both up and down: the down vote skipped", output);
        Assert.Contains($"user.saved:{bob.Id}: news {recent} has no up-vote", output);
        Assert.Contains("skipped: 3", output);
        var written = EventsWritten(output);
        Assert.True(written.Written > 40, output);
        Assert.Equal(0, written.AlreadyThere);

        var (again, againOutput) = await cluster.RunSiloCommandAsync(CommandTimeout, "import-lamernews", "--redis", redis.Address);
        Assert.True(again == 0, againOutput);
        Assert.Equal((0, written.Written), EventsWritten(againOutput));
        Assert.Equal(written.Written, await CountEventsAsync(cluster.ConnectionString));

        await cluster.StartSiloAsync();
        var (_, address) = await cluster.StartGatewayAsync();
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        await Eventually(async () => await ProcessCluster.GatewayReadyAsync(http), "gateway ready", TimeSpan.FromSeconds(90));

        // Lists: the deleted news is in neither; ids, titles, times, counts as in Lamernews.
        var latest = await Eventually(() => GetJsonAsync(http, "/api/getnews/latest/0/10"), j => j.GetProperty("count").GetInt32() == 3, "latest holds the imported news", TimeSpan.FromSeconds(30));
        var items = latest.GetProperty("news").EnumerateArray().ToList();
        Assert.Equal([recent, text, one], items.Select(n => n.GetProperty("id").GetInt64()));
        var newsOne = items[2];
        Assert.Equal("The first news", newsOne.GetProperty("title").GetString());
        Assert.Equal("https://example.com/one", newsOne.GetProperty("url").GetString());
        Assert.Equal("Alice", newsOne.GetProperty("username").GetString());
        Assert.Equal(t, newsOne.GetProperty("ctime").GetInt64());
        Assert.Equal((3, 1, 2), (newsOne.GetProperty("up").GetInt32(), newsOne.GetProperty("down").GetInt32(), newsOne.GetProperty("comments").GetInt32()));
        Assert.Equal("text://Hello\nworld", items[1].GetProperty("url").GetString());
        Assert.Equal((1, 1), (items[1].GetProperty("up").GetInt32(), items[1].GetProperty("down").GetInt32()));
        var top = await GetJsonAsync(http, "/api/getnews/top/0/10");
        Assert.Equal(3, top.GetProperty("count").GetInt32());
        Assert.Equal([recent, text, one], top.GetProperty("news").EnumerateArray().Select(n => n.GetProperty("id").GetInt64()).Order().Reverse());

        // The thread: the deleted comment keeps its place, without a body, with its reply under it.
        var thread = (await GetJsonAsync(http, $"/api/getcomments/{one}")).GetProperty("comments").EnumerateArray().Single();
        Assert.Equal(("First!", "Alice", 2, 1), (thread.GetProperty("body").GetString(), thread.GetProperty("username").GetString(), thread.GetProperty("up").GetInt32(), thread.GetProperty("down").GetInt32()));
        var deleted = thread.GetProperty("replies").EnumerateArray().Single();
        Assert.Equal(1, deleted.GetProperty("del").GetInt32());
        Assert.False(deleted.TryGetProperty("body", out _));
        var reply = deleted.GetProperty("replies").EnumerateArray().Single();
        Assert.Equal(("Why?", "carol", 2), (reply.GetProperty("body").GetString(), reply.GetProperty("username").GetString(), reply.GetProperty("up").GetInt32()));
        var other = (await GetJsonAsync(http, $"/api/getcomments/{text}")).GetProperty("comments").EnumerateArray().Single();
        Assert.Equal((2, 0), (other.GetProperty("up").GetInt32(), other.GetProperty("down").GetInt32()));
        Assert.Equal(HttpStatusCodeOf(404), (await http.GetAsync(new Uri($"/news/{gone + 100}", UriKind.Relative))).StatusCode);
        Assert.Contains("The first news", await http.GetStringAsync(new Uri($"/news/{one}", UriKind.Relative)));

        // Users: the stored karma, profile, flags and unread replies.
        var client = await cluster.ConnectClientAsync();
        var profile = await client.GetGrain<IUserGrain>(alice.Id).GetProfile();
        Assert.Equal(("Alice", 57, "I write.", "alice@example.com", false, 2), (profile!.Username, profile.Karma, profile.About, profile.Email, profile.IsAdmin, profile.Replies));
        Assert.True((await client.GetGrain<IUserGrain>(admin.Id).GetProfile())!.IsAdmin);
        var page = await http.GetStringAsync(new Uri("/user/Alice", UriKind.Relative));
        Assert.Contains("57", page);
        Assert.Contains("I write.", page);

        // Old password: the first login matches Lamernews' hash and answers the old session; the hash becomes ours.
        var login = await GetJsonAsync(http, "/api/login?username=alice&password=old%20secret%20pw");
        Assert.Equal(("ok", alice.Auth, alice.ApiSecret), (login.GetProperty("status").GetString(), login.GetProperty("auth").GetString(), login.GetProperty("apisecret").GetString()));
        var upgraded = (await client.GetGrain<IUserGrain>(alice.Id).GetCredentials())!.PasswordHash;
        Assert.StartsWith("pbkdf2-sha256$", upgraded);
        Assert.True(PasswordHashing.NeedsUpgrade((await client.GetGrain<IUserGrain>(bob.Id).GetCredentials())!.PasswordHash));
        var second = await GetJsonAsync(http, "/api/login?username=Alice&password=old%20secret%20pw");
        Assert.Equal(("ok", alice.Auth), (second.GetProperty("status").GetString(), second.GetProperty("auth").GetString()));
        Assert.Equal(upgraded, (await client.GetGrain<IUserGrain>(alice.Id).GetCredentials())!.PasswordHash);
        Assert.Equal("err", (await GetJsonAsync(http, "/api/login?username=alice&password=wrong%20password")).GetProperty("status").GetString());

        // The site goes on: ids after the imported ones, the recent link still guarded, old sessions valid.
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", alice.Auth);
        var submitted = await PostJsonAsync(http, "/api/submit", ("title", "After the move"), ("url", "https://example.com/new"), ("text", ""), ("news_id", "-1"), ("apisecret", alice.ApiSecret));
        Assert.Equal(recent + 1, submitted.GetProperty("news_id").GetInt64());
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bob.Auth);
        var repost = await PostJsonAsync(http, "/api/submit", ("title", "Again"), ("url", "https://example.com/four"), ("text", ""), ("news_id", "-1"), ("apisecret", bob.ApiSecret));
        Assert.Equal(recent, repost.GetProperty("news_id").GetInt64());
        http.DefaultRequestHeaders.Authorization = null;
        var created = await PostJsonAsync(http, "/api/create_account", ("username", "dave"), ("password", "dave password"));
        Assert.Equal("ok", created.GetProperty("status").GetString());
        Assert.Equal(carol.Id + 1, await client.GetGrain<IUsernameGrain>("dave").GetUserId());

        // Once the site has a life of its own, a new import is refused rather than mixed in.
        await cluster.StopClientAsync();
        var (refused, refusedOutput) = await cluster.RunSiloCommandAsync(CommandTimeout, "import-lamernews", "--redis", redis.Address);
        Assert.Equal(1, refused);
        Assert.Contains("not imported from Lamernews", refusedOutput);
    }

    [Fact]
    public async Task Given_a_key_of_another_type_and_a_malformed_comment_when_dry_run_then_both_are_named_the_rest_is_counted_and_nothing_is_written()
    {
        await using var redis = await ThrowawayRedis.StartAsync();
        var site = new LamernewsRedis(redis.Db);
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 86400;
        var alice = await site.CreateUserAsync("alice", "alice password", t, karma: 1);
        await redis.Db.StringIncrementAsync("users.count");
        await redis.Db.StringSetAsync("user:2", "not a hash");
        var news = await site.SubmitAsync(alice.Id, "Kept", "https://example.com/kept", null, t + 10);
        await site.CommentAsync(news, alice.Id, -1, "fine", t + 20);
        await redis.Db.HashSetAsync($"thread:comment:{news}", "2", "[1, 2");
        await redis.Db.StringIncrementAsync("news.count");
        await redis.Db.ListRightPushAsync($"news:{news + 1}", "a list");

        await using var cluster = new ProcessCluster(await postgres.Server.CreateDatabaseAsync("lamerdry"));
        var (exit, output) = await cluster.RunSiloCommandAsync(CommandTimeout, "import-lamernews", "--redis", redis.Address, "--dry-run");

        Assert.True(exit == 0, output);
        Assert.Contains("dry run, nothing written", output);
        Assert.Contains("user:2: a string, not a hash: skipped", output);
        Assert.Contains($"news:{news + 1}: a list, not a hash: skipped", output);
        Assert.Contains($"thread:comment:{news} field 2: malformed JSON", output);
        Assert.Contains("users: 1 (1 admin", output);
        Assert.Contains("news: 1 (0 text posts, 0 deleted)", output);
        Assert.Contains("comments: 1 (0 deleted)", output);
        Assert.Matches(EventsWouldBeWritten(), output);
        Assert.False(await HasEventTableAsync(cluster.ConnectionString));
    }

    [Fact]
    public async Task Given_no_Redis_on_the_port_when_imported_then_a_clear_message_exit_code_1_and_nothing_written()
    {
        await using var cluster = new ProcessCluster(await postgres.Server.CreateDatabaseAsync("lamernoredis"));
        var port = AppProcess.FreePort();
        var (exit, output) = await cluster.RunSiloCommandAsync(CommandTimeout, "import-lamernews", "--redis", $"127.0.0.1:{port}");

        Assert.Equal(1, exit);
        Assert.Contains($"cannot reach Redis at 127.0.0.1:{port}", output);
        Assert.False(await HasEventTableAsync(cluster.ConnectionString));
    }

    [Theory]
    [InlineData]
    [InlineData("--redis")]
    [InlineData("--redis", "127.0.0.1:1", "--bogus")]
    [InlineData("--redis", "127.0.0.1:1", "--pbkdf2-iterations", "0")]
    public async Task Given_bad_arguments_when_run_then_the_usage_and_exit_code_2(params string[] arguments)
    {
        await using var cluster = new ProcessCluster(await postgres.Server.CreateDatabaseAsync("lamerargs"));
        var (exit, output) = await cluster.RunSiloCommandAsync(CommandTimeout, ["import-lamernews", .. arguments]);
        Assert.Equal(2, exit);
        Assert.Contains("usage: Actors.Silo import-lamernews", output);
    }

    private static (long Written, long AlreadyThere) EventsWritten(string output)
    {
        var m = EventsLine().Match(output);
        Assert.True(m.Success, output);
        return (long.Parse(m.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(m.Groups[2].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<long> CountEventsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM actors_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The command writes nothing before Redis was read: not even the schema.</summary>
    private static async Task<bool> HasEventTableAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT to_regclass('actors_events') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(path, UriKind.Relative)));
        return doc.RootElement.Clone();
    }

    private static async Task<JsonElement> PostJsonAsync(HttpClient http, string path, params (string Name, string Value)[] form)
    {
        using var content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value)));
        using var answer = await http.PostAsync(new Uri(path, UriKind.Relative), content);
        var body = await answer.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(body);
        Assert.True(doc.RootElement.GetProperty("status").GetString() == "ok", body);
        return doc.RootElement.Clone();
    }

    private static System.Net.HttpStatusCode HttpStatusCodeOf(int code) => (System.Net.HttpStatusCode)code;

    [GeneratedRegex(@"events: ([0-9,]+) written, ([0-9,]+) already in the log")]
    private static partial Regex EventsLine();

    [GeneratedRegex(@"events: [1-9][0-9,]* would be written into an empty log")]
    private static partial Regex EventsWouldBeWritten();
}
