using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Actors.Gateway.News;
using Actors.Tests.News;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Actors.Tests.Lamernews;

/// <summary>
/// Read-your-writes over HTTP: a client that wrote reads its write at once, from the lists (top, latest), a news' comments,
/// its user page and saved news, through the cookie the writes set or the header a cookie-less client sends back.
/// </summary>
public sealed class ReadYourWritesTests(LamerCompatGateway gateway) : NewsApiTestBase(gateway), IClassFixture<LamerCompatGateway>
{
    [Fact]
    public async Task Given_clients_that_keep_cookies_when_each_reads_right_after_its_submit_vote_comment_or_deletion_then_not_one_of_1000_reads_is_stale()
    {
        var author = await SignedIn();
        var voter = await SignedIn();
        var posted = 0;
        var commented = 0;
        var writes = 0;

        while (writes < 1000)
        {
            // A submission: first of latest, counted on the author's page.
            var id = await SubmitNews(author);
            posted++;
            writes++;
            var newest = (await Read(author.Client, "/api/getnews/latest/0/1")).GetProperty("news")[0];
            Assert.Equal(id, newest.GetProperty("id").GetInt64());
            await AssertUserPageCounts(author, posted, commented);

            // A vote by another user: two up-votes and "voted" in the top list, and the news in the voter's saved news.
            AssertOk(await Post(voter.Client, "/api/votenews", ("apisecret", voter.Secret), ("news_id", Text(id)), ("vote_type", "up")));
            writes++;
            var voted = Find(await Read(voter.Client, "/api/getnews/top/0/32"), id);
            Assert.Equal(2, voted.GetProperty("up").GetInt32());
            Assert.Equal("up", voted.GetProperty("voted").GetString());
            Assert.Contains($"data-news-id=\"{id}\"", await Page(voter.Client, "/saved/0"));

            // A comment: counted in latest, in the thread, on the author's page.
            var comment = await Post(author.Client, "/api/postcomment",
                ("apisecret", author.Secret), ("news_id", Text(id)), ("comment_id", "-1"), ("parent_id", "-1"), ("comment", $"comment {writes}"));
            AssertOk(comment);
            commented++;
            writes++;
            Assert.Equal(1, Find(await Read(author.Client, "/api/getnews/latest/0/1"), id).GetProperty("comments").GetInt32());
            Assert.Single((await Read(author.Client, $"/api/getcomments/{id}")).GetProperty("comments").EnumerateArray());
            await AssertUserPageCounts(author, posted, commented);

            // Its deletion: the count is back to 0 in latest and on the front page the author reads.
            AssertOk(await Post(author.Client, "/api/postcomment",
                ("apisecret", author.Secret), ("news_id", Text(id)), ("comment_id", comment.GetProperty("comment_id").GetInt64().ToString(CultureInfo.InvariantCulture)),
                ("parent_id", "-1"), ("comment", "")));
            writes++;
            Assert.Equal(0, Find(await Read(author.Client, "/api/getnews/latest/0/1"), id).GetProperty("comments").GetInt32());
            Assert.Contains($"data-news-id=\"{id}\"", await Page(author.Client, "/latest/0"));
        }
    }

    [Fact]
    public async Task Given_a_client_without_cookies_when_it_sends_back_the_last_written_header_then_it_reads_each_of_its_votes_at_once()
    {
        var author = await SignedIn();
        var voter = await SignedIn();
        using var client = gateway.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", voter.Token);
        string? written = null;

        for (var i = 0; i < 100; i++)
        {
            var id = await SubmitNews(author);
            using var form = new FormUrlEncodedContent([new("apisecret", voter.Secret), new("news_id", Text(id)), new("vote_type", "up")]);
            using var write = new HttpRequestMessage(HttpMethod.Post, "/api/votenews") { Content = form };
            if (written is not null)
            {
                write.Headers.Add(ReadYourWrites.Header, written);
            }

            using var vote = await client.SendAsync(write);
            AssertOk(await Envelope(vote));
            written = Assert.Single(vote.Headers.GetValues(ReadYourWrites.Header));
            Assert.StartsWith($"{voter.Id}_", written, StringComparison.Ordinal);
            Assert.Contains(vote.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ReadYourWrites.Cookie + "=" + written + ";", StringComparison.Ordinal));

            using var read = new HttpRequestMessage(HttpMethod.Get, "/api/getnews/latest/0/1");
            read.Headers.Add(ReadYourWrites.Header, written);
            using var answer = await client.SendAsync(read);
            Assert.False(answer.Headers.Contains(ReadYourWrites.StaleHeader));
            var newest = (await Envelope(answer)).GetProperty("news")[0];
            Assert.Equal(id, newest.GetProperty("id").GetInt64());
            Assert.Equal(2, newest.GetProperty("up").GetInt32());
            Assert.Equal("up", newest.GetProperty("voted").GetString());
        }

        // The token keeps the last few writes of its writer, newest last.
        Assert.Equal(ReadYourWrites.MaxEntries + 1, written!.Split('_').Length);
    }

    [Fact]
    public async Task Given_a_token_naming_a_write_no_list_will_ever_hold_when_a_list_is_read_then_the_wait_ends_within_its_bound_and_says_so()
    {
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/getnews/latest/0/1");
        read.Headers.Add(ReadYourWrites.Header, "5_999999999.7");

        using var response = await Anonymous().SendAsync(read);

        AssertOk(await Envelope(response));
        Assert.Equal("1", Assert.Single(response.Headers.GetValues(ReadYourWrites.StaleHeader)));
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("1_2")]
    [InlineData("1_2.x")]
    [InlineData("_")]
    [InlineData("1_-4.2")]
    public async Task Given_a_malformed_token_when_a_list_is_read_then_it_is_ignored_and_the_list_answers_at_once(string token)
    {
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/getnews/top/0/5");
        read.Headers.Add(ReadYourWrites.Header, token);

        using var response = await Anonymous().SendAsync(read);

        AssertOk(await Envelope(response));
        Assert.False(response.Headers.Contains(ReadYourWrites.StaleHeader));
    }

    [Fact]
    public async Task Given_a_refused_write_when_it_answers_then_it_remembers_nothing()
    {
        var user = await SignedIn();

        using var form = new FormUrlEncodedContent([new("apisecret", user.Secret), new("news_id", "999999999"), new("vote_type", "up")]);
        using var response = await user.Client.PostAsync("/api/votenews", form);

        Assert.Equal("err", (await Envelope(response)).GetProperty("status").GetString());
        Assert.False(response.Headers.Contains(ReadYourWrites.Header));
    }

    private static async Task AssertUserPageCounts(Session user, int posted, int commented)
    {
        var html = await Page(user.Client, $"/user/{user.Username}");
        Assert.Contains($"<b>posted news </b>{posted}<", html);
        Assert.Contains($"<b>posted comments </b>{commented}<", html);
    }

    private static async Task<JsonElement> Read(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.False(response.Headers.Contains(ReadYourWrites.StaleHeader), $"{path} was served stale");
        return await Envelope(response);
    }

    private static async Task<string> Page(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains(ReadYourWrites.StaleHeader), $"{path} was served stale");
        return await response.Content.ReadAsStringAsync();
    }

    private static JsonElement Find(JsonElement page, long id) =>
        page.GetProperty("news").EnumerateArray().Single(n => n.GetProperty("id").GetInt64() == id);

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}
