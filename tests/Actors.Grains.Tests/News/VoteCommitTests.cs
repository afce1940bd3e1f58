using Actors.EventSourcing;
using Actors.News;
using Actors.Tests.Accounts;
using Actors.Users;

namespace Actors.Tests.News;

/// <summary>
/// A priced vote is one commit: the voter's karma spend and the vote are appended together (UserGrain.PayForVote), so a
/// failed commit leaves neither behind. Before, the karma was spent first and lost whenever the vote's append failed.
/// </summary>
public class VoteCommitTests(LossyLogCluster cluster) : IClassFixture<LossyLogCluster>
{
    [Fact]
    public async Task A_vote_whose_commit_fails_spends_no_karma_and_can_be_cast_again()
    {
        var grains = cluster.Cluster.Client;
        var author = await SignUp.NewUserAsync(grains);
        var voter = await SignUp.NewUserAsync(grains);
        var submitted = await grains.GetGrain<INewsAuthorGrain>(author).Submit("A title", $"https://example.com/{Guid.NewGuid():N}", "");
        var news = grains.GetGrain<INewsGrain>(submitted.Id);
        var newsStream = EventStreams.StreamOf(NewsStreams.Category, submitted.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var karma = (await grains.GetGrain<IUserGrain>(voter).GetProfile())!.Karma;
        Assert.True(karma >= new NewsOptions().NewsUpvoteMinKarma, "the voter can afford the vote, so only the commit can fail it");
        cluster.Log.RefuseNextAppendOf<NewsUpvoted>(newsStream);

        // The commit holding the spend and the vote is refused: nothing of it is written, nor taken in by either grain.
        await Assert.ThrowsAsync<EventLogUnavailableException>(() => news.Vote(voter, VoteDirection.Up));
        Assert.DoesNotContain(await cluster.Log.ReadStreamAsync(UserStreams.StreamOf(voter)), e => e.Data is UserKarmaSpent);
        Assert.DoesNotContain(await cluster.Log.ReadStreamAsync(newsStream), e => e.Data is NewsUpvoted v && v.VoterId == voter);
        Assert.Equal(karma, (await grains.GetGrain<IUserGrain>(voter).GetProfile())!.Karma);
        Assert.Equal(1, (await news.Get())!.Up);

        // The same vote again is not a duplicate: it is cast, and paid, once.
        Assert.Null((await news.Vote(voter, VoteDirection.Up)).Rejection);
        Assert.Equal(karma - 1, (await grains.GetGrain<IUserGrain>(voter).GetProfile())!.Karma);
        Assert.Equal(2, (await news.Get())!.Up);
        Assert.Single(await cluster.Log.ReadStreamAsync(UserStreams.StreamOf(voter)), e => e.Data is UserKarmaSpent);
        Assert.Single(await cluster.Log.ReadStreamAsync(newsStream), e => e.Data is NewsUpvoted v && v.VoterId == voter);
    }
}
