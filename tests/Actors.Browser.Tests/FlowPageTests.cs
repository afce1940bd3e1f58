using Actors.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Actors.Browser.Tests;

[Collection(BrowserCollection.Name)]
public class FlowPageTests(BrowserFixture site)
{
    [Fact]
    public async Task An_administrator_sees_a_parked_event_on_the_flow_page_replays_it_and_it_leaves_the_parked_list()
    {
        // A user submits a news that the test-only flaky consumer fails on: its delivery is parked.
        var user = await site.NewPageAsync();
        await SiteTests.RegisterAsync(user, SiteTests.NewName("flow"));
        var id = await SiteTests.SubmitAsync(user, $"{FlakyNewsConsumerGrain.Marker} {Guid.NewGuid():N}");
        var stream = $"news-{id}";

        var admin = await site.NewPageAsync([KeyValuePair.Create("X-Admin-Token", BrowserFixture.AdminToken)]);
        await admin.GotoAsync("/admin/flows");

        // Live: the page was loaded before the parking may have happened; it shows it without a reload.
        var parked = admin.Locator("tr.parked-event", new() { HasText = stream });
        await Expect(parked.First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(parked.First).ToContainTextAsync(FlakyNewsConsumerGrain.FlowName);
        var consumer = admin.Locator($"tr.flow-consumer[data-consumer='{FlakyNewsConsumerGrain.FlowName}']");
        await Expect(consumer).ToBeVisibleAsync();
        await Expect(consumer.Locator("td.parked-count")).Not.ToHaveTextAsync("0");
        await Expect(admin.Locator("tr.flow-consumer[data-consumer='newsrankingfeed']")).ToBeVisibleAsync();
        await Expect(admin.Locator("tr.flow-consumer[data-consumer='ws-fanout']")).ToBeVisibleAsync();

        // The live tail of the news category, filtered to this news.
        await admin.FillAsync("#tail-filter", stream);
        // Shown once the page has drawn the filtered tail: every row of this news, its submission among them.
        await Polling.Eventually(async () =>
        {
            var rows = await admin.Locator("tr.tail-event").AllInnerTextsAsync();
            var streams = await admin.Locator("tr.tail-event td:nth-child(3)").AllInnerTextsAsync();
            return rows.Any(r => r.Contains("news.submitted", StringComparison.Ordinal)) && streams.All(shown => shown == stream);
        }, "the tail shows only this news, with its submission", TimeSpan.FromSeconds(30));

        // The consumer is fixed; each parked event of the news is replayed from the page.
        site.Flaky.Fixed[stream] = true;
        while (await parked.CountAsync() > 0)
        {
            var before = await parked.CountAsync();
            await parked.First.Locator("button.replay").ClickAsync();
            await Expect(parked).ToHaveCountAsync(before - 1);
        }

        await Expect(parked).ToHaveCountAsync(0);
        await Polling.Eventually(() => site.Flaky.Applied.ContainsKey((stream, 1)), "the replayed submission reaches the consumer", TimeSpan.FromSeconds(30));
        await admin.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "flows.png"), FullPage = true });
    }

    [Fact]
    public async Task A_visitor_who_is_not_signed_in_is_refused_the_flow_page()
    {
        var page = await site.NewPageAsync();

        var response = await page.GotoAsync("/admin/flows");

        Assert.Equal(401, response!.Status);
    }
}
