using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Actors.Browser.Tests;

/// <summary>
/// The Content-Security-Policy refuses inline script and foreign origins: nothing the site itself (or the dashboard)
/// does may be refused. Chromium reports each refusal on the console.
/// </summary>
[Collection(BrowserCollection.Name)]
public class ContentSecurityPolicyTests(BrowserFixture site)
{
    [Fact]
    public async Task A_signed_in_users_pages_break_no_rule_of_the_policy()
    {
        var page = await site.NewPageAsync();
        var refused = Refusals(page);
        var name = SiteTests.NewName("csp");

        await SiteTests.RegisterAsync(page, name);
        var id = await SiteTests.SubmitAsync(page, $"Policy check {Guid.NewGuid():N}");
        await page.FillAsync(".commentform textarea", "A comment, indented by a style attribute");
        // The page reloads after a comment: the comment is then rendered by the server, with its style attribute.
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync(".commentform input[type=submit]"), response => response.Request.IsNavigationRequest);
        await page.WaitForLoadStateAsync(LoadState.Load);
        await Expect(page.Locator("#comments .comment pre")).ToContainTextAsync("A comment");
        await Expect(page.Locator("#live")).ToHaveClassAsync("on"); // the socket (connect-src) is open
        foreach (var path in new[] { "/", "/latest/0", "/accounts", $"/user/{name}", "/about", $"/editnews/{id}" })
        {
            await page.GotoAsync(path);
        }

        Assert.Empty(refused);
    }

    [Fact]
    public async Task The_dashboard_works_under_its_own_policy()
    {
        var context = await site.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = site.BaseUrl,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {BrowserFixture.DashboardToken}" },
        });
        var page = await context.NewPageAsync();
        var refused = Refusals(page);

        var response = await page.GotoAsync("/dashboard/");
        Assert.Equal(200, response?.Status);
        await page.WaitForLoadStateAsync(LoadState.Load);
        await Expect(page.Locator("body")).Not.ToBeEmptyAsync();
        await page.WaitForTimeoutAsync(2000); // the app renders and polls its data API after load

        Assert.Empty(refused);
        await context.CloseAsync();
    }

    private static List<string> Refusals(IPage page)
    {
        var refused = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (refused)
                {
                    refused.Add(message.Text);
                }
            }
        };
        return refused;
    }
}
