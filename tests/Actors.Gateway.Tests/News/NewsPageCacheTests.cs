using Actors.Gateway.News;
using Actors.News;
using Actors.Tests.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Actors.Tests.News;

/// <summary>Readers sharing a list page (<see cref="NewsPageCache"/>), on the gateway's cluster and domain clock.</summary>
[Collection(UsersGatewayCollection.Name)]
public class NewsPageCacheTests(UsersGatewayFactory gateway)
{
    private IGrainFactory Grains => gateway.Services.GetRequiredService<IGrainFactory>();

    private NewsPageCache Cache(int shareMilliseconds) =>
        new(Grains, Options.Create(new NewsOptions { ListPageShareMilliseconds = shareMilliseconds }), gateway.Clock);

    /// <summary>A news by a new user, once the ranking grain lists it first in <c>latest</c>.</summary>
    private async Task<long> SubmitListed()
    {
        var submitted = await Grains.GetGrain<INewsAuthorGrain>(await SignUp.NewUserAsync(Grains)).Submit("Shared pages", $"https://example.com/{Guid.NewGuid():N}", "");
        Assert.Null(submitted.Rejection);
        await Eventually(async () => (await Grains.GetGrain<INewsRankingGrain>(0).GetLatest(0, 1)).Items.FirstOrDefault()?.Id == submitted.Id,
            "the ranking grain lists the new news", timeoutSeconds: 10);

        return submitted.Id;
    }

    [Fact]
    public async Task Readers_within_the_window_share_one_page_and_the_next_second_is_asked_afresh()
    {
        var cache = Cache(shareMilliseconds: 600_000);
        var first = await cache.GetAsync(top: false, 0, 30);
        Assert.Same(first, await cache.GetAsync(top: false, 0, 30));

        var id = await SubmitListed();
        Assert.Same(first, await cache.GetAsync(top: false, 0, 30));
        Assert.NotSame(first, await cache.GetAsync(top: false, 0, 29)); // another page is another answer

        gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(id, (await cache.GetAsync(top: false, 0, 30)).Items[0].Id);
    }

    [Fact]
    public async Task With_no_window_every_read_asks_the_ranking_grain()
    {
        var off = Cache(shareMilliseconds: 0);
        await off.GetAsync(top: false, 0, 30);

        var id = await SubmitListed();

        Assert.Equal(id, (await off.GetAsync(top: false, 0, 30)).Items[0].Id);
    }
}
