using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Actors.Browser.Tests;

[Collection(BrowserCollection.Name)]
public class SiteTests(BrowserFixture site)
{
    internal static string NewName(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..16];

    internal static async Task RegisterAsync(IPage page, string name)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#username", name);
        await page.FillAsync("#password", "password1");
        await page.CheckAsync("#register");
        await page.ClickAsync("#loginform input[type=submit]");
        await Expect(page.Locator("#me")).ToContainTextAsync(name);
    }

    internal static async Task<string> SubmitAsync(IPage page, string title)
    {
        await page.GotoAsync("/submit");
        await page.FillAsync("#title", title);
        await page.FillAsync("#url", $"https://example.com/{Guid.NewGuid():N}");
        await page.ClickAsync("#submitform input[type=submit]");
        try
        {
            await page.WaitForURLAsync(new Regex("/news/[0-9]+$"));
        }
        catch (TimeoutException e)
        {
            // Say what the page said (a refusal is shown beside the form) rather than only that nothing happened.
            var shown = string.Join(" | ", await page.Locator(".errormsg").AllInnerTextsAsync());
            throw new TimeoutException($"The submission did not open its news page; the page shows: '{shown}'", e);
        }

        return page.Url[(page.Url.LastIndexOf('/') + 1)..];
    }

    [Fact]
    public async Task A_visitor_registers_logs_out_and_logs_in_again()
    {
        var page = await site.NewPageAsync();
        var name = NewName("reg");

        await RegisterAsync(page, name);
        await page.ClickAsync("#logout");
        await Expect(page.Locator("#account")).ToContainTextAsync("login / register");
        await page.GotoAsync("/login");
        await page.FillAsync("#username", name);
        await page.FillAsync("#password", "password1");
        await page.ClickAsync("#loginform input[type=submit]");

        await Expect(page.Locator("#me")).ToContainTextAsync(name);
        // Signed in by the gateway's HttpOnly cookie: no script on the page can read the token.
        Assert.DoesNotContain("auth=", await page.EvaluateAsync<string>("() => document.cookie"));
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "auth");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
    }

    [Fact]
    public async Task A_wrong_password_shows_the_error_sentence()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#username", NewName("nobody"));
        await page.FillAsync("#password", "password1");
        await page.ClickAsync("#loginform input[type=submit]");

        await Expect(page.Locator(".errormsg")).ToHaveTextAsync("No match for the specified username / password pair.");
    }

    [Fact]
    public async Task A_user_submits_news_comments_on_it_and_sees_it_on_the_front_page()
    {
        var page = await site.NewPageAsync();
        await RegisterAsync(page, NewName("sub"));

        var title = $"Hello <b>{Guid.NewGuid():N}</b>";
        var id = await SubmitAsync(page, title);
        await page.FillAsync(".commentform textarea", "First! see https://example.org/x");
        await page.ClickAsync(".commentform input[type=submit]");
        await Expect(page.Locator("#comments .comment pre")).ToContainTextAsync("First!");
        var link = page.Locator("#comments .comment pre a");
        await Expect(link).ToHaveAttributeAsync("rel", "nofollow");
        await page.GotoAsync("/");

        // The title is text, not markup: escaped by the server.
        await Expect(page.Locator($"article[data-news-id='{id}'] h2 a")).ToHaveTextAsync(title);
        await Expect(page.Locator($"article[data-news-id='{id}'] h2 a")).ToHaveAttributeAsync("rel", "nofollow");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "front-page.png"), FullPage = true });
    }

    [Fact]
    public async Task A_vote_in_one_browser_appears_live_in_another()
    {
        var author = await site.NewPageAsync();
        var voter = await site.NewPageAsync();
        await RegisterAsync(author, NewName("auth"));
        await RegisterAsync(voter, NewName("vote"));
        var id = await SubmitAsync(author, $"Live {Guid.NewGuid():N}");
        await author.GotoAsync("/");
        await Expect(author.Locator("#live.on")).ToBeVisibleAsync();
        var upvotes = author.Locator($"article[data-news-id='{id}'] .upvotes");
        await Expect(upvotes).ToHaveTextAsync("1");

        await voter.GotoAsync($"/news/{id}");
        await voter.ClickAsync($"article[data-news-id='{id}'] .uparrow");
        await Expect(voter.Locator($"article[data-news-id='{id}'] .uparrow")).ToHaveClassAsync(new Regex("voted"));

        // No reload on the author's page: the push over /ws updates it.
        await Expect(upvotes).ToHaveTextAsync("2");
    }

    [Fact]
    public async Task A_vote_that_changes_the_ranking_moves_the_news_up_live_in_another_browser()
    {
        var author = await site.NewPageAsync();
        var voter = await site.NewPageAsync();
        await RegisterAsync(author, NewName("rank"));
        await RegisterAsync(voter, NewName("vote"));
        var older = await SubmitAsync(author, $"Older {Guid.NewGuid():N}");
        var newer = await SubmitAsync(author, $"Newer {Guid.NewGuid():N}");
        await author.GotoAsync("/");
        await Expect(author.Locator("#live.on")).ToBeVisibleAsync();
        const string ranked = "([first, second]) => { const ids = [...document.querySelectorAll('#newslist article')].map(a => a.dataset.newsId); " +
            "return ids.indexOf(first) >= 0 && ids.indexOf(first) < ids.indexOf(second); }";
        // Same score: the newer news ranks first.
        await author.WaitForFunctionAsync(ranked, new[] { newer, older });

        await voter.GotoAsync($"/news/{older}");
        await voter.ClickAsync($"article[data-news-id='{older}'] .uparrow");

        // No reload on the author's page: the top-list diff moves the older news above the newer one, with its new count.
        await author.WaitForFunctionAsync(ranked, new[] { older, newer });
        await Expect(author.Locator($"article[data-news-id='{older}'] .upvotes")).ToHaveTextAsync("2");
    }

    [Fact]
    public async Task A_comment_in_one_browser_appears_live_in_another()
    {
        var author = await site.NewPageAsync();
        var reader = await site.NewPageAsync();
        await RegisterAsync(author, NewName("ca"));
        var id = await SubmitAsync(author, $"Discuss {Guid.NewGuid():N}");
        await reader.GotoAsync($"/news/{id}");
        await Expect(reader.Locator("#live.on")).ToBeVisibleAsync();

        await author.FillAsync(".commentform textarea", "<script>alert('x')</script> live comment");
        await author.ClickAsync(".commentform input[type=submit]");

        await Expect(reader.Locator("#comments .comment pre")).ToHaveTextAsync("<script>alert('x')</script> live comment");
    }

    [Fact]
    public async Task Keyboard_navigation_selects_and_votes_and_shows_help()
    {
        var author = await site.NewPageAsync();
        var voter = await site.NewPageAsync();
        await RegisterAsync(author, NewName("ka"));
        await RegisterAsync(voter, NewName("kv"));
        var id = await SubmitAsync(author, $"Keys {Guid.NewGuid():N}");
        await voter.GotoAsync($"/news/{id}");

        await voter.Keyboard.PressAsync("j");
        await Expect(voter.Locator($"article[data-news-id='{id}']")).ToHaveClassAsync(new Regex("selected"));
        await voter.Keyboard.PressAsync("a");
        await Expect(voter.Locator($"article[data-news-id='{id}'] .upvotes")).ToHaveTextAsync("2");
        await voter.Keyboard.PressAsync("?");
        await Expect(voter.Locator("#keyboard-help")).ToBeVisibleAsync();
        await voter.Keyboard.PressAsync("Escape");
        await Expect(voter.Locator("#keyboard-help")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_user_deposits_and_transfers_money_to_another_user()
    {
        var payer = await site.NewPageAsync();
        var payee = await site.NewPageAsync();
        await RegisterAsync(payer, NewName("pay"));
        await RegisterAsync(payee, NewName("get"));
        await payee.GotoAsync("/accounts");
        var payeeAccount = await payee.Locator("tr.account").First.GetAttributeAsync("data-account-id");
        await Expect(payee.Locator("#live.on")).ToBeVisibleAsync();

        await payer.GotoAsync("/accounts");
        await payer.Locator(".moneyform input[name=amount]").First.FillAsync("100.00");
        await payer.Locator(".moneyform button[value=deposit]").First.ClickAsync();
        await Expect(payer.Locator("tr.account .balance").First).ToHaveTextAsync("100.00");
        await payer.ReloadAsync();
        await payer.FillAsync("#to", payeeAccount!);
        await payer.FillAsync("#amount", "30.50");
        await payer.ClickAsync("#transferform input[type=submit]");

        await Expect(payer.Locator(".transfermsg")).ToHaveTextAsync("Transfer completed.");
        await Expect(payer.Locator("tr.account .balance").First).ToHaveTextAsync("69.50");
        // The payee's page was open all along: its balance follows the account's events.
        await Expect(payee.Locator("tr.account .balance").First).ToHaveTextAsync("30.50");
    }
}
