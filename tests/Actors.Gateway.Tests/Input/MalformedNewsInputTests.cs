using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Actors.Tests.News;

namespace Actors.Tests.Input;

/// <summary>
/// The news routes' input: text no store can carry is named as such (not "Something went wrong", not "Wrong form
/// secret."), and a body far beyond any legitimate news is refused before it is buffered.
/// </summary>
[Collection(GatewayCollection.Name)]
public class MalformedNewsInputTests(GatewayFactory gateway) : NewsApiTestBase(gateway)
{
    public static TheoryData<string> Routes => new(["/api/submit", "/api/delnews", "/api/votenews", "/api/postcomment", "/api/votecomment"]);

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Given_a_lone_surrogate_in_a_json_body_When_a_news_route_reads_it_Then_the_envelope_names_the_bad_parameter(string route)
    {
        var user = await SignedIn();
        using var content = new StringContent($$"""{"apisecret":"{{user.Secret}}","title":"\ud800","news_id":"-1","url":"","text":"x"}""", Encoding.UTF8, "application/json");

        var json = await Envelope(await user.Client.PostAsync(route, content));

        AssertError(json, "Invalid input: 'title' is not valid Unicode text (a lone surrogate).");
    }

    [Fact]
    public async Task Given_a_nul_in_a_form_value_When_submitting_Then_the_envelope_says_so_instead_of_wrong_form_secret()
    {
        var user = await SignedIn();

        var json = await Post(user.Client, "/api/submit",
            ("apisecret", user.Secret + "\0"), ("title", "A title"), ("news_id", "-1"), ("url", "https://example.org/nul"), ("text", ""));

        AssertError(json, "Invalid input: a form value contains a NUL character.");
    }

    [Fact]
    public async Task Given_a_json_body_beyond_64_kb_When_posting_a_comment_Then_it_is_refused_as_too_large()
    {
        var user = await SignedIn();
        var body = JsonSerializer.Serialize(new
        {
            apisecret = user.Secret, news_id = "1", comment_id = "-1", parent_id = "-1", comment = new string('x', 100_000),
        });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        // Chunked: no Content-Length to refuse it by, so the reader's own limit must hold.
        content.Headers.ContentLength = null;

        var json = await Envelope(await user.Client.PostAsync("/api/postcomment", content));

        AssertError(json, "Request body too large.");
    }

    [Fact]
    public async Task Given_a_form_beyond_64_kb_When_submitting_Then_it_is_refused_as_too_large()
    {
        var user = await SignedIn();

        var json = await Post(user.Client, "/api/submit",
            ("apisecret", user.Secret), ("title", "A title"), ("news_id", "-1"), ("url", ""), ("text", new string('x', 70_000)));

        AssertError(json, "Request body too large.");
    }

    [Fact]
    public async Task Given_control_characters_in_a_submitted_title_When_reading_the_rss_Then_it_is_valid_xml_with_the_title_cleaned()
    {
        var user = await SignedIn();
        var marker = $"Feed{Guid.NewGuid():N}"[..12];

        AssertOk(await Post(user.Client, "/api/submit",
            ("apisecret", user.Secret), ("title", $"{marker} \u0001con\u000Btrol\u001F"), ("news_id", "-1"), ("url", $"https://example.org/{marker}"), ("text", "")));
        var rss = await Anonymous().GetStringAsync("/rss");

        var feed = XDocument.Parse(rss);
        Assert.Contains(feed.Descendants("item").Elements("title"), t => t.Value == $"{marker} control");
    }
}
