using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Actors.Tests.News;

[Collection(GatewayCollection.Name)]
public class NewsApiTests(GatewayFactory gateway) : NewsApiTestBase(gateway)
{
    private static readonly string[] Routes = ["/api/submit", "/api/delnews", "/api/votenews", "/api/postcomment", "/api/votecomment"];

    public static TheoryData<string> StateChangingRoutes => new(Routes);

    [Theory]
    [MemberData(nameof(StateChangingRoutes))]
    public async Task A_state_changing_route_refuses_a_caller_who_is_not_signed_in(string route)
    {
        var json = await Post(Anonymous(), route, ("apisecret", "x"), ("news_id", "1"));

        AssertError(json, "Not authenticated.");
    }

    [Theory]
    [MemberData(nameof(StateChangingRoutes))]
    public async Task A_state_changing_route_refuses_a_bad_token_as_not_signed_in(string route)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new string('a', 40));

        AssertError(await Post(client, route, ("news_id", "1")), "Not authenticated.");
    }

    [Theory]
    [MemberData(nameof(StateChangingRoutes))]
    public async Task A_state_changing_route_needs_the_users_api_secret(string route)
    {
        var user = await SignedIn();

        AssertError(await Post(user.Client, route, ("news_id", "1")), "Wrong form secret.");
        AssertError(await Post(user.Client, route, ("news_id", "1"), ("apisecret", "wrong")), "Wrong form secret.");
        AssertError(await Post(user.Client, route, ("news_id", "1"), ("apisecret", "")), "Wrong form secret.");
    }

    [Fact]
    public async Task Submit_answers_the_new_id_as_a_number_and_the_news_is_listed()
    {
        var user = await SignedIn();

        var id = await SubmitNews(user);

        await Eventually(async () =>
        {
            var latest = await Get(Anonymous(), "/api/getnews/latest/0/32");
            return latest.GetProperty("news").EnumerateArray().Any(n => n.GetProperty("id").GetInt64() == id);
        }, "the news is in latest");
        var item = (await Get(Anonymous(), "/api/getnews/latest/0/32")).GetProperty("news").EnumerateArray()
            .First(n => n.GetProperty("id").GetInt64() == id);
        Assert.Equal(JsonValueKind.Number, item.GetProperty("ctime").ValueKind);
        Assert.Equal(1, item.GetProperty("up").GetInt32());
        Assert.Equal(user.Username, item.GetProperty("username").GetString());
        Assert.False(item.TryGetProperty("user_id", out _));
        Assert.False(item.TryGetProperty("rank", out _));
    }

    [Theory]
    [InlineData("", "http://x.org", "", "Please specify a news title and address or text.")]
    [InlineData("T", "", "", "Please specify a news title and address or text.")]
    [InlineData("T", "javascript:alert(1)", "", "We only accept http:// and https:// news.")]
    [InlineData("T", "ftp://x.org", "", "We only accept http:// and https:// news.")]
    public async Task Submit_refuses_bad_input_with_the_reference_sentences(string title, string url, string text, string error)
    {
        var user = await SignedIn();

        var json = await Post(user.Client, "/api/submit", ("apisecret", user.Secret), ("title", title), ("news_id", "-1"), ("url", url), ("text", text));

        AssertError(json, error);
    }

    [Fact]
    public async Task Submit_needs_every_parameter()
    {
        var user = await SignedIn();

        AssertError(await Post(user.Client, "/api/submit", ("apisecret", user.Secret), ("title", "T"), ("url", "http://x.org")),
            "Please specify a news title and address or text.");
        AssertError(await Post(user.Client, "/api/submit", ("apisecret", user.Secret), ("news_id", "-1"), ("url", "http://x.org"), ("text", "")),
            "Please specify a news title and address or text.");
    }

    [Fact]
    public async Task Submit_refuses_an_oversized_title_and_url()
    {
        var user = await SignedIn();

        AssertError(await Post(user.Client, "/api/submit", ("apisecret", user.Secret), ("title", new string('t', 201)), ("news_id", "-1"),
            ("url", "http://x.org"), ("text", "")), "The title is too long, max 200 characters.");
        AssertError(await Post(user.Client, "/api/submit", ("apisecret", user.Secret), ("title", "T"), ("news_id", "-1"),
            ("url", "http://x.org/" + new string('u', 5000)), ("text", "")), "The URL is too long, max 2048 characters.");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-7")]
    [InlineData("99999999999999999999999999")]
    [InlineData("1e5")]
    [InlineData("12345678")]
    public async Task Editing_with_a_bad_or_unknown_news_id_is_refused(string newsId)
    {
        var user = await SignedIn();

        var json = await Post(user.Client, "/api/submit", ("apisecret", user.Secret), ("title", "T"), ("news_id", newsId), ("url", "http://x.org"), ("text", ""));

        AssertError(json, "Invalid parameters, news too old to be modified or url recently posted.");
    }

    [Fact]
    public async Task Hostile_text_is_stored_and_returned_as_data()
    {
        var user = await SignedIn();
        var title = "<script>alert('x')</script> \"quotes\" ' ; DROP TABLE news; -- \u202e\U0001F600";

        var json = await Post(user.Client, "/api/submit", ("apisecret", user.Secret), ("title", title), ("news_id", "-1"), ("url", ""), ("text", "<b>hi</b>"));

        AssertOk(json);
        var id = json.GetProperty("news_id").GetInt64();
        await Eventually(async () => (await Get(Anonymous(), "/api/getnews/latest/0/32")).GetProperty("news").EnumerateArray()
            .Any(n => n.GetProperty("id").GetInt64() == id && n.GetProperty("title").GetString() == title
                      && n.GetProperty("url").GetString() == "text://<b>hi</b>"), "the text post is listed verbatim");
    }

    [Fact]
    public async Task Delnews_checks_its_parameter_and_answers_minus_one()
    {
        var user = await SignedIn();
        var id = await SubmitNews(user);

        AssertError(await Post(user.Client, "/api/delnews", ("apisecret", user.Secret)), "Please specify a news title.");
        AssertError(await Post(user.Client, "/api/delnews", ("apisecret", user.Secret), ("news_id", "x")), "News too old or wrong ID/owner.");
        var other = await SignedIn();
        AssertError(await Post(other.Client, "/api/delnews", ("apisecret", other.Secret), ("news_id", id.ToString())), "News too old or wrong ID/owner.");

        var json = await Post(user.Client, "/api/delnews", ("apisecret", user.Secret), ("news_id", id.ToString()));

        AssertOk(json);
        Assert.Equal(-1, json.GetProperty("news_id").GetInt64());
    }

    [Theory]
    [InlineData("", "up", "Missing news ID or invalid vote type.")]
    [InlineData("1", "", "Missing news ID or invalid vote type.")]
    [InlineData("1", "sideways", "Missing news ID or invalid vote type.")]
    [InlineData("1", "UP", "Missing news ID or invalid vote type.")]
    [InlineData("abc", "up", "No such news or user.")]
    [InlineData("987654321", "up", "No such news or user.")]
    public async Task Votenews_refuses_bad_parameters(string newsId, string type, string error)
    {
        var user = await SignedIn();

        AssertError(await Post(user.Client, "/api/votenews", ("apisecret", user.Secret), ("news_id", newsId), ("vote_type", type)), error);
    }

    [Fact]
    public async Task Votenews_accepts_one_vote_and_the_voter_then_sees_it_in_the_list()
    {
        var author = await SignedIn();
        var voter = await SignedIn();
        var id = await SubmitNews(author);

        AssertOk(await Post(voter.Client, "/api/votenews", ("apisecret", voter.Secret), ("news_id", id.ToString()), ("vote_type", "up")));
        AssertError(await Post(voter.Client, "/api/votenews", ("apisecret", voter.Secret), ("news_id", id.ToString()), ("vote_type", "down")),
            "Duplicated vote.");

        await Eventually(async () => (await Get(voter.Client, "/api/getnews/latest/0/32")).GetProperty("news").EnumerateArray()
            .Any(n => n.GetProperty("id").GetInt64() == id && n.TryGetProperty("voted", out var v) && v.GetString() == "up"
                      && n.GetProperty("up").GetInt32() == 2), "the vote shows");
    }

    [Fact]
    public async Task Given_a_repeated_name_when_voting_then_the_last_value_wins_as_in_Rack()
    {
        var author = await SignedIn();
        var voter = await SignedIn();
        var id = await SubmitNews(author);

        // Joined ("sideways,up") this would be an invalid vote type; Rack keeps the last one.
        var json = await Post(voter.Client, $"/api/votenews?vote_type=down&news_id={id}",
            ("apisecret", voter.Secret), ("news_id", "x"), ("news_id", id.ToString()), ("vote_type", "sideways"), ("vote_type", "up"));

        AssertOk(json);
        await Eventually(async () => (await Get(voter.Client, "/api/getnews/latest/0/32")).GetProperty("news").EnumerateArray()
            .Any(n => n.GetProperty("id").GetInt64() == id && n.TryGetProperty("voted", out var v) && v.GetString() == "up"),
            "the last vote_type, from the body over the query, is the vote");
    }

    [Fact]
    public async Task Postcomment_without_its_parameters_answers_the_reference_sentence()
    {
        var user = await SignedIn();

        var json = await Post(user.Client, "/api/postcomment", ("apisecret", user.Secret), ("news_id", "1"), ("comment_id", "-1"));

        AssertError(json, "Missing news_id, comment_id, parent_id, or comment\n                       parameter.");
    }

    [Theory]
    [InlineData("x", "-1", "-1")]
    [InlineData("1", "x", "-1")]
    [InlineData("1", "-1", "x")]
    [InlineData("1", "-5", "-1")]
    [InlineData("1", "-1", "0")]
    [InlineData("99999999999999999999", "-1", "-1")]
    public async Task Postcomment_refuses_malformed_ids(string newsId, string commentId, string parentId)
    {
        var user = await SignedIn();

        var json = await Post(user.Client, "/api/postcomment",
            ("apisecret", user.Secret), ("news_id", newsId), ("comment_id", commentId), ("parent_id", parentId), ("comment", "hi"));

        AssertError(json, "Invalid news, comment, or edit time expired.");
    }

    [Fact]
    public async Task A_comment_is_inserted_edited_deleted_and_shown_in_the_tree()
    {
        var user = await SignedIn();
        var other = await SignedIn();
        var id = (await SubmitNews(user)).ToString();

        var insert = await Post(user.Client, "/api/postcomment", ("apisecret", user.Secret), ("news_id", id), ("comment_id", "-1"), ("parent_id", "-1"), ("comment", "first"));
        var reply = await Post(other.Client, "/api/postcomment", ("apisecret", other.Secret), ("news_id", id), ("comment_id", "-1"), ("parent_id", "1"), ("comment", "reply"));
        var update = await Post(user.Client, "/api/postcomment", ("apisecret", user.Secret), ("news_id", id), ("comment_id", "1"), ("parent_id", "-1"), ("comment", "edited"));
        var empty = await Post(user.Client, "/api/postcomment", ("apisecret", user.Secret), ("news_id", id), ("comment_id", "-1"), ("parent_id", "-1"), ("comment", ""));
        var huge = await Post(user.Client, "/api/postcomment", ("apisecret", user.Secret), ("news_id", id), ("comment_id", "-1"), ("parent_id", "-1"), ("comment", new string('c', 4097)));
        var delete = await Post(user.Client, "/api/postcomment", ("apisecret", user.Secret), ("news_id", id), ("comment_id", "1"), ("parent_id", "-1"), ("comment", ""));

        Assert.Equal(("insert", 1L, -1L), (insert.GetProperty("op").GetString(), insert.GetProperty("comment_id").GetInt64(), insert.GetProperty("parent_id").GetInt64()));
        Assert.Equal(long.Parse(id), insert.GetProperty("news_id").GetInt64());
        Assert.Equal(2, reply.GetProperty("comment_id").GetInt64());
        Assert.Equal("update", update.GetProperty("op").GetString());
        AssertError(empty, "The comment is empty.");
        AssertError(huge, "The comment is too long, max 4096 characters.");
        Assert.Equal("delete", delete.GetProperty("op").GetString());

        var tree = await Get(other.Client, $"/api/getcomments/{id}");
        var top = Assert.Single(tree.GetProperty("comments").EnumerateArray());
        Assert.False(top.TryGetProperty("body", out _));
        Assert.Equal(1, top.GetProperty("del").GetInt32());
        var child = Assert.Single(top.GetProperty("replies").EnumerateArray());
        Assert.Equal("reply", child.GetProperty("body").GetString());
        Assert.Equal(other.Username, child.GetProperty("username").GetString());
        Assert.Equal("up", child.GetProperty("voted").GetString());
        Assert.Equal(1, child.GetProperty("up").GetInt32());
    }

    [Theory]
    [InlineData("", "up", "Missing comment ID or invalid vote type.")]
    [InlineData("1-1", "maybe", "Missing comment ID or invalid vote type.")]
    [InlineData("abc", "up", "Invalid parameters or duplicated vote.")]
    [InlineData("1-2-3", "up", "Invalid parameters or duplicated vote.")]
    [InlineData("-1", "up", "Invalid parameters or duplicated vote.")]
    [InlineData("987654321-1", "up", "Invalid parameters or duplicated vote.")]
    public async Task Votecomment_refuses_bad_parameters(string commentId, string type, string error)
    {
        var user = await SignedIn();

        AssertError(await Post(user.Client, "/api/votecomment", ("apisecret", user.Secret), ("comment_id", commentId), ("vote_type", type)), error);
    }

    [Fact]
    public async Task Votecomment_answers_the_handle_as_sent_and_refuses_a_second_vote()
    {
        var user = await SignedIn();
        var other = await SignedIn();
        var id = await SubmitNews(user);
        await Post(user.Client, "/api/postcomment", ("apisecret", user.Secret), ("news_id", id.ToString()), ("comment_id", "-1"), ("parent_id", "-1"), ("comment", "x"));
        var handle = $"{id}-1";

        var json = await Post(other.Client, "/api/votecomment", ("apisecret", other.Secret), ("comment_id", handle), ("vote_type", "down"));

        AssertOk(json);
        Assert.Equal(handle, json.GetProperty("comment_id").GetString());
        AssertError(await Post(other.Client, "/api/votecomment", ("apisecret", other.Secret), ("comment_id", handle), ("vote_type", "up")),
            "Invalid parameters or duplicated vote.");
    }

    [Theory]
    [InlineData("/api/getnews/best/0/10", "Invalid sort parameter")]
    [InlineData("/api/getnews/top/0/33", "Count is too big")]
    [InlineData("/api/getnews/top/0/0", "Invalid count parameter")]
    [InlineData("/api/getnews/top/0/-1", "Invalid count parameter")]
    [InlineData("/api/getnews/top/0/abc", "Invalid count parameter")]
    [InlineData("/api/getnews/top/0/99999999999999999999", "Invalid count parameter")]
    [InlineData("/api/getnews/latest/-1/10", "Invalid start parameter")]
    [InlineData("/api/getnews/latest/x/10", "Invalid start parameter")]
    [InlineData("/api/getnews/latest/%27%3B--/10", "Invalid start parameter")]
    [InlineData("/api/getcomments/abc", "Wrong news ID.")]
    [InlineData("/api/getcomments/0", "Wrong news ID.")]
    [InlineData("/api/getcomments/987654321", "Wrong news ID.")]
    [InlineData("/api/getcomments/%3Cscript%3E", "Wrong news ID.")]
    public async Task Read_routes_refuse_bad_parameters_in_the_envelope(string path, string error)
    {
        AssertError(await Get(Anonymous(), path), error);
    }

    [Fact]
    public async Task Getnews_pages_are_bounded_and_count_the_whole_list()
    {
        var user = await SignedIn();
        await SubmitNews(user);

        var page = await Get(Anonymous(), "/api/getnews/top/0/1");
        var beyond = await Get(Anonymous(), "/api/getnews/top/1000000/5");

        Assert.True(page.GetProperty("news").GetArrayLength() <= 1);
        Assert.True(page.GetProperty("count").GetInt32() >= 1);
        Assert.Equal(0, beyond.GetProperty("news").GetArrayLength());
    }

    [Theory]
    [InlineData("application/json", "{not json")]
    [InlineData("application/json", "[1,2,3]")]
    [InlineData("application/json", "{\"news_id\":{\"a\":1},\"vote_type\":[\"up\"]}")]
    [InlineData("application/x-www-form-urlencoded", "%%%=%%%&&&=")]
    [InlineData("multipart/form-data; boundary=zzz", "--zzz\r\ngarbage")]
    [InlineData("text/plain", "news_id=1")]
    public async Task Malformed_bodies_get_an_envelope_error_never_a_500(string contentType, string body)
    {
        var user = await SignedIn();
        foreach (var route in Routes)
        {
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

            var json = await Envelope(await user.Client.PostAsync(route, content));

            Assert.Equal("err", json.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task A_json_body_works_like_a_form()
    {
        var user = await SignedIn();
        var id = await SubmitNews(user);
        var voter = await SignedIn();
        using var content = new StringContent(
            JsonSerializer.Serialize(new { apisecret = voter.Secret, news_id = id, vote_type = "up" }), Encoding.UTF8, "application/json");

        AssertOk(await Envelope(await voter.Client.PostAsync("/api/votenews", content)));
    }

    [Fact]
    public async Task An_oversized_form_gets_an_envelope_error()
    {
        var user = await SignedIn();

        var json = await Post(user.Client, "/api/postcomment", ("apisecret", user.Secret), ("news_id", "1"), ("comment_id", "-1"),
            ("parent_id", "-1"), ("comment", new string('x', 5_000_000)));

        Assert.Equal("err", json.GetProperty("status").GetString());
    }
}
