using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace Actors.Browser.Tests;

/// <summary>Lamernews' edit page, through its form and <c>/js/app.js</c>: a new title, then the "delete this news" box.</summary>
[Collection(BrowserCollection.Name)]
public class EditNewsTests(BrowserFixture site)
{
    [Fact]
    public async Task An_author_follows_the_edit_link_changes_the_title_and_then_deletes_the_news_with_the_box()
    {
        var page = await site.NewPageAsync();
        await SiteTests.RegisterAsync(page, SiteTests.NewName("edit"));
        var id = await SiteTests.SubmitAsync(page, $"Before {Guid.NewGuid():N}");

        await page.ClickAsync($"article[data-news-id='{id}'] a.editnews");
        await page.WaitForURLAsync(new Regex($"/editnews/{id}$"));
        var title = $"After {Guid.NewGuid():N}";
        await page.FillAsync("#title", title);
        await page.ClickAsync("#editnewsform input[type=submit]");
        await page.WaitForURLAsync(new Regex($"/news/{id}$"));
        await Expect(page.Locator($"article[data-news-id='{id}'] h2 a")).ToHaveTextAsync(title);

        await page.GotoAsync($"/editnews/{id}");
        await page.CheckAsync("#del");
        await page.ClickAsync("#editnewsform input[type=submit]");
        await page.WaitForURLAsync(new Regex("/$"));
        await page.GotoAsync($"/news/{id}");
        await Expect(page.Locator($"article.deleted[data-news-id='{id}']")).ToHaveCountAsync(1);
    }
}
