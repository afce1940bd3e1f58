using Actors.Diagnostics;
using Actors.News;
using Actors.Tests.Infrastructure;
using Actors.Users;

namespace Actors.Tests.News;

[Collection(PostgresClusterCollection.Name)]
public class UserNewsDurableTests(PostgresClusterFixture cluster)
{
    private Task<long> RegisterAsync() => SignUp.NewUserAsync(cluster.Client);

    [Fact]
    public async Task A_users_votes_delivered_before_the_first_read_and_found_in_the_log_count_once()
    {
        var author = await RegisterAsync();
        var voter = await RegisterAsync();
        var submitted = await cluster.Client.GetGrain<INewsAuthorGrain>(author).Submit("Durable saved list", $"https://example.com/{Guid.NewGuid():N}", "");
        Assert.Null(submitted.Rejection);
        var probe = await RegisterAsync();
        var before = (await cluster.Client.GetGrain<INewsGrain>(submitted.Id).Get())!.Up;
        Assert.True((await cluster.Client.GetGrain<INewsGrain>(submitted.Id).Vote(voter, VoteDirection.Up)).Ok);
        // Another vote on the same news, after ours: once the ranking shows it, our vote's event was delivered too
        // (one news stream, in order), so the voter's list got it by delivery before its first read.
        Assert.True((await cluster.Client.GetGrain<INewsGrain>(submitted.Id).Vote(probe, VoteDirection.Up)).Ok);
        await Eventually(async () => (await cluster.Client.GetGrain<INewsRankingGrain>(0).GetMany([submitted.Id]))[0].Up >= before + 2,
            "both votes delivered", TimeSpan.FromSeconds(30));

        var saved = await cluster.Client.GetGrain<IUserNewsGrain>(voter).GetSaved(0, 10);

        Assert.Equal([submitted.Id], saved.Items);
        Assert.Equal(1, saved.Total);
        Assert.Equal(VoteDirection.Up, (await cluster.Client.GetGrain<IUserNewsGrain>(voter).GetVotes([submitted.Id]))[submitted.Id]);
    }
}
