using System.Globalization;
using System.Text.Json;
using Actors.Tests.News;

namespace Actors.Tests.Lamernews;

/// <summary>
/// <c>Lamernews:StringFields</c>: Lamernews' own field types for typed clients (badsyntax/lamernews-api-client's schema:
/// a news item's id, ctime, up, down and comments are strings), and postcomment's news_id and parent_id as sent.
/// </summary>
public sealed class StringFieldsTests(StringFieldsGateway gateway) : NewsApiTestBase(gateway), IClassFixture<StringFieldsGateway>
{
    [Fact]
    public async Task Given_string_fields_when_news_are_listed_then_their_numbers_are_strings_and_the_count_a_number()
    {
        var user = await SignedIn();
        var id = await SubmitNews(user);

        var page = await Eventually(
            () => Get(user.Client, "/api/getnews/latest/0/32"),
            p => p.GetProperty("news").EnumerateArray().Any(n => n.GetProperty("id").GetString() == Text(id)),
            "the news is listed",
            TimeSpan.FromSeconds(20));

        var item = page.GetProperty("news").EnumerateArray().Single(n => n.GetProperty("id").GetString() == Text(id));
        foreach (var field in new[] { "id", "ctime", "up", "down", "comments", "title", "url", "username" })
        {
            Assert.Equal(JsonValueKind.String, item.GetProperty(field).ValueKind);
        }

        Assert.Equal("1", item.GetProperty("up").GetString());
        Assert.Equal("0", item.GetProperty("down").GetString());
        Assert.Equal("up", item.GetProperty("voted").GetString());
        Assert.True(long.Parse(item.GetProperty("ctime").GetString()!, CultureInfo.InvariantCulture) > 1_700_000_000);
        Assert.Equal(JsonValueKind.Number, page.GetProperty("count").ValueKind);
    }

    [Fact]
    public async Task Given_string_fields_when_the_anonymous_front_page_is_read_then_its_items_have_string_ids_too()
    {
        var user = await SignedIn();
        await SubmitNews(user);

        var page = await Eventually(() => Get(Anonymous(), "/api/getnews/top/0/5"), p => p.GetProperty("news").GetArrayLength() > 0, "a news is listed", TimeSpan.FromSeconds(20));

        Assert.All(page.GetProperty("news").EnumerateArray(), n => Assert.Equal(JsonValueKind.String, n.GetProperty("id").ValueKind));
    }

    [Fact]
    public async Task Given_string_fields_when_a_comment_is_posted_then_news_id_and_parent_id_are_echoed_as_sent_and_comment_id_is_a_number()
    {
        var user = await SignedIn();
        var id = await SubmitNews(user);

        var top = await Post(user.Client, "/api/postcomment",
            ("apisecret", user.Secret), ("news_id", Text(id)), ("comment_id", "-1"), ("parent_id", "-1"), ("comment", "first"));
        var reply = await Post(user.Client, "/api/postcomment",
            ("apisecret", user.Secret), ("news_id", Text(id)), ("comment_id", "-1"), ("parent_id", top.GetProperty("comment_id").GetInt64().ToString(CultureInfo.InvariantCulture)), ("comment", "second"));

        AssertOk(top);
        Assert.Equal(Text(id), top.GetProperty("news_id").GetString());
        Assert.Equal("-1", top.GetProperty("parent_id").GetString());
        Assert.Equal("insert", top.GetProperty("op").GetString());
        Assert.Equal(JsonValueKind.Number, top.GetProperty("comment_id").ValueKind);
        Assert.Equal(top.GetProperty("comment_id").GetInt64().ToString(CultureInfo.InvariantCulture), reply.GetProperty("parent_id").GetString());
    }

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Without the setting, the decisions table's numbers (checked here where the string mode is, side by side).</summary>
public sealed class NumberFieldsTests(LamerCompatGateway gateway) : NewsApiTestBase(gateway), IClassFixture<LamerCompatGateway>
{
    [Fact]
    public async Task Given_the_default_when_a_comment_is_posted_then_news_id_and_parent_id_are_numbers()
    {
        var user = await SignedIn();
        var id = await SubmitNews(user);

        var json = await Post(user.Client, "/api/postcomment",
            ("apisecret", user.Secret), ("news_id", id.ToString(CultureInfo.InvariantCulture)), ("comment_id", "-1"), ("parent_id", "-1"), ("comment", "a comment"));

        Assert.Equal(id, json.GetProperty("news_id").GetInt64());
        Assert.Equal(-1, json.GetProperty("parent_id").GetInt64());
        var listed = (await Get(user.Client, "/api/getnews/latest/0/1")).GetProperty("news")[0];
        Assert.Equal(JsonValueKind.Number, listed.GetProperty("id").ValueKind);
    }
}
