using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Actors.News;
using Actors.Tests.News;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Actors.Tests.Lamernews;

/// <summary>The Lamernews pages that were missing: /editnews/:id, /random, /admin, /recompute, /favicon.ico.</summary>
public sealed partial class LamernewsPagesTests(LamerCompatGateway gateway) : NewsApiTestBase(gateway), IClassFixture<LamerCompatGateway>
{
    private readonly LamerCompatGateway _gateway = gateway;

    [Fact]
    public async Task Given_the_author_when_opening_the_edit_page_of_a_fresh_news_then_it_shows_the_form_with_the_delete_box()
    {
        var author = await SignedIn();
        var url = $"https://example.org/{Guid.NewGuid():N}";
        var id = await SubmitNews(author, url);

        var (status, html) = await Page(author.Client, $"/editnews/{id}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"<form id=\"editnewsform\" data-news-id=\"{id}\">", html);
        Assert.Contains("value=\"A title\"", html);
        Assert.Contains($"value=\"{url}\"", html);
        Assert.Contains("<input type=\"checkbox\" name=\"del\" id=\"del\" value=\"1\"><label for=\"del\">delete this news</label>", html);
    }

    [Fact]
    public async Task Given_a_text_post_when_its_author_opens_the_edit_page_then_the_text_is_in_the_text_box_and_the_url_is_empty()
    {
        var author = await SignedIn();
        var json = await Post(author.Client, "/api/submit", ("apisecret", author.Secret), ("title", "Ask"), ("news_id", "-1"), ("url", ""), ("text", "Is <this> a question?"));
        var id = json.GetProperty("news_id").GetInt64();

        var (_, html) = await Page(author.Client, $"/editnews/{id}");

        Assert.Contains("<textarea id=\"text\" name=\"text\" cols=\"60\" rows=\"10\">Is &lt;this&gt; a question?</textarea>", html);
        Assert.Contains("id=\"url\" name=\"url\" size=\"60\" value=\"\"", html);
    }

    [Fact]
    public async Task Given_a_news_line_its_author_may_edit_when_the_list_is_shown_then_the_edit_link_leads_to_the_edit_page()
    {
        var author = await SignedIn();
        var id = await SubmitNews(author);

        var (_, html) = await Page(author.Client, $"/news/{id}");

        Assert.Contains($"<a href=\"/editnews/{id}\" class=\"editnews\">edit</a>", html);
    }

    [Fact]
    public async Task Given_someone_else_when_opening_the_edit_page_then_permission_is_denied_and_the_administrator_may()
    {
        var author = await SignedIn();
        var other = await SignedIn();
        var id = await SubmitNews(author);

        var (denied, deniedText) = await Page(other.Client, $"/editnews/{id}");
        var (admitted, adminHtml) = await Page(AdminClient(), $"/editnews/{id}");

        Assert.Equal(HttpStatusCode.Forbidden, denied);
        Assert.Equal("Permission denied.", deniedText);
        Assert.Equal(HttpStatusCode.OK, admitted);
        Assert.Contains("editnewsform", adminHtml);
    }

    [Fact]
    public async Task Given_no_session_or_no_such_news_when_opening_the_edit_page_then_login_is_asked_for_or_the_news_is_not_found()
    {
        var user = await SignedIn();

        using var anonymous = await NoRedirects().GetAsync("/editnews/1");
        var (missing, _) = await Page(user.Client, "/editnews/999999999");
        var (malformed, _) = await Page(user.Client, "/editnews/abc");

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/login", anonymous.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal(HttpStatusCode.NotFound, malformed);
    }

    [Fact]
    public async Task Given_a_deleted_news_when_its_author_opens_the_edit_page_then_it_says_so_without_a_form()
    {
        var author = await SignedIn();
        var id = await SubmitNews(author);
        AssertOk(await Post(author.Client, "/api/delnews", ("apisecret", author.Secret), ("news_id", id.ToString(CultureInfo.InvariantCulture))));

        var (status, html) = await Page(author.Client, $"/editnews/{id}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("This news was deleted.", html);
        Assert.DoesNotContain("editnewsform", html);
    }

    [Fact]
    public async Task Given_news_when_asking_for_a_random_one_then_it_redirects_to_an_existing_news_no_newer_than_the_newest()
    {
        var author = await SignedIn();
        var newest = 0L;
        for (var i = 0; i < 5; i++)
        {
            newest = await SubmitNews(author);
        }

        await Eventually(async () => (await Grains.GetGrain<INewsRankingGrain>(0).GetLatest(0, 1)).Items[0].Id >= newest, "the lists have the news");
        var client = NoRedirects();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync("/random");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var match = NewsLink().Match(response.Headers.Location!.OriginalString);
            Assert.True(match.Success, response.Headers.Location.OriginalString);
            var id = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.InRange(id, 1, newest);
            Assert.NotNull(await Grains.GetGrain<INewsGrain>(id).Get());
        }
    }

    [Fact]
    public async Task Given_the_administrator_when_opening_admin_then_the_site_stats_and_tools_are_shown()
    {
        var user = await SignedIn();
        await SubmitNews(user);

        var (status, html) = await Page(AdminClient(), "/admin");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Matches(@"<li>\d+ users</li><li>\d+ news posted</li><li>[0-9.]+M of memory used by this gateway</li>", html);
        Assert.Contains("<a href=\"/recompute\">", html);
        var users = int.Parse(Regex.Match(html, @"<li>(\d+) users</li>").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(users >= 1, html);
    }

    [Theory]
    [InlineData("/admin")]
    [InlineData("/recompute")]
    public async Task Given_a_user_who_is_not_the_administrator_or_no_user_when_opening_an_admin_page_then_it_redirects_to_the_front_page(string path)
    {
        var user = await SignedIn();
        var client = NoRedirects();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);

        using var asUser = await client.GetAsync(path);
        using var anonymous = await NoRedirects().GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, asUser.StatusCode);
        Assert.Equal("/", asUser.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/", anonymous.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Given_the_administrator_when_asking_to_recompute_then_it_answers_done()
    {
        var (status, html) = await Page(AdminClient(), "/recompute");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<p>Done.</p>", html);
    }

    [Fact]
    public async Task Given_a_browser_when_it_asks_for_the_favicon_then_it_gets_an_icon()
    {
        using var response = await Anonymous().GetAsync("/favicon.ico");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/x-icon", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0, 0, 1, 0, 1, 0 }, bytes[..6]); // an ICO header with one image
    }

    private HttpClient AdminClient()
    {
        var client = _gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _gateway.Admin.Token);
        return client;
    }

    private HttpClient NoRedirects() => _gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static async Task<(HttpStatusCode Status, string Body)> Page(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex(@"^/news/(\d+)$")]
    private static partial Regex NewsLink();
}

/// <summary>The edit page once the news decider's edit window is over (<c>News:NewsEditTimeSeconds</c> 0).</summary>
public sealed class ClosedEditWindowTests(ClosedEditWindowGateway gateway) : NewsApiTestBase(gateway), IClassFixture<ClosedEditWindowGateway>
{
    [Fact]
    public async Task Given_a_news_past_its_edit_window_when_its_author_opens_the_edit_page_then_it_says_the_time_is_over_and_the_administrator_still_gets_the_form()
    {
        var author = await SignedIn();
        var id = await SubmitNews(author);
        var admin = gateway.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", gateway.Admin.Token);

        var asAuthor = await author.Client.GetStringAsync($"/editnews/{id}");
        var asAdmin = await admin.GetStringAsync($"/editnews/{id}");

        Assert.Contains("The time to edit this news is over.", asAuthor);
        Assert.DoesNotContain("editnewsform", asAuthor);
        Assert.Contains("editnewsform", asAdmin);
    }
}

/// <summary>A gateway whose news may not be edited by their authors at all.</summary>
public sealed class ClosedEditWindowGateway : CompatGatewayBase
{
    protected override IEnumerable<(string Key, string Value)> Settings => [("News:NewsEditTimeSeconds", "0")];
}
