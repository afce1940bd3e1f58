using Actors.EventSourcing;
using Actors.News;
using Actors.Tests.Users;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.News;

/// <summary>Helpers shared by the news grain tests: users, submissions, the lists, and waiting for stream-fed views.</summary>
public abstract class NewsGrainTestBase(ClusterFixture fixture)
{
    protected IGrainFactory Grains => fixture.Client;

    protected ManualClock Clock => fixture.Clock;

    protected INewsRankingGrain Ranking => Grains.GetGrain<INewsRankingGrain>(0);

    /// <summary>The silo's event log, to read what was recorded.</summary>
    protected IEventLog Log => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IEventLog>();

    /// <summary>A new user that is not the admin (user 1 is the admin; it is created first when missing).</summary>
    protected async Task<long> NewUser()
    {
        await Admin();
        return await Register();
    }

    /// <summary>User 1, the admin.</summary>
    protected async Task<long> Admin()
    {
        if (await Grains.GetGrain<IUserGrain>(1).GetProfile() is null)
        {
            Assert.Equal(1, await Register());
        }

        return 1;
    }

    private Task<long> Register() => SignUp.NewUserAsync(Grains);

    protected static string FreshUrl() => $"https://example.com/{Guid.NewGuid():N}";

    protected async Task<long> Submit(long userId, string? url = null, string title = "A title")
    {
        var result = await Grains.GetGrain<INewsAuthorGrain>(userId).Submit(title, url ?? FreshUrl(), "");
        Assert.Null(result.Rejection);
        return result.Id;
    }

    protected INewsGrain News(long id) => Grains.GetGrain<INewsGrain>(id);

    /// <summary>The ids of the whole top list, page by page.</summary>
    protected async Task<List<long>> TopIds() => await AllIds(Ranking.GetTop);

    protected async Task<List<long>> LatestIds() => await AllIds(Ranking.GetLatest);

    private static async Task<List<long>> AllIds(Func<int, int, Task<NewsPage>> read)
    {
        var ids = new List<long>();
        for (var start = 0; ; start += 32)
        {
            var page = await read(start, 32);
            ids.AddRange(page.Items.Select(i => i.Id));
            if (page.Items.Count < 32)
            {
                return ids;
            }
        }
    }

    protected static bool Before(List<long> ids, long first, long second) =>
        ids.IndexOf(first) is var i and >= 0 && ids.IndexOf(second) is var j and >= 0 && i < j;
}
