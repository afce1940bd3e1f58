using Actors.News;
using Actors.Users;
using Orleans.Runtime;

namespace Actors.Tests.News;

/// <summary>Anyone can ask for any news id or user name: a look-up of one that does not exist leaves nothing behind.</summary>
[Collection(ClusterCollection.Name)]
public class MissTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task Looking_up_a_news_that_does_not_exist_leaves_no_activation_behind()
    {
        var news = Grains.GetGrain<INewsGrain>(Random.Shared.NextInt64(1_000_000_000, 2_000_000_000));

        Assert.Null(await news.Get());
        Assert.Null(await news.GetThread(null));

        await Eventually(async () => !await IsActive(news.GetGrainId()), "the miss's activation is gone");
    }

    [Fact]
    public async Task Looking_up_a_name_nobody_has_leaves_no_activation_behind()
    {
        var name = Grains.GetGrain<IUsernameGrain>($"nobody{Guid.NewGuid():N}"[..20]);

        Assert.Null(await name.GetUserId());

        await Eventually(async () => !await IsActive(name.GetGrainId()), "the miss's activation is gone");
    }

    [Fact]
    public async Task A_news_that_exists_stays_active_after_a_look_up()
    {
        var author = await SignUp.NewUserAsync(Grains);
        var submitted = await Grains.GetGrain<INewsAuthorGrain>(author).Submit("Kept", $"https://example.com/{Guid.NewGuid():N}", "");
        var news = Grains.GetGrain<INewsGrain>(submitted.Id);

        Assert.NotNull(await news.Get());

        Assert.True(await IsActive(news.GetGrainId()));
    }

    private async Task<bool> IsActive(GrainId grain) =>
        (await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics()).Any(s => s.GrainId == grain);
}
