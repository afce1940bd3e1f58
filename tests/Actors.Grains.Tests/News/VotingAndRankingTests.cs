using System.Globalization;
using Actors.EventSourcing;
using Actors.News;
using Actors.Users;

namespace Actors.Tests.News;

[Collection(ClusterCollection.Name)]
public class VotingAndRankingTests(ClusterFixture fixture) : NewsGrainTestBase(fixture)
{
    [Fact]
    public async Task An_up_vote_moves_the_news_above_an_equal_newer_one()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var voter = await NewUser();
        var older = await Submit(alice);
        var newer = await Submit(bob);
        await Eventually(async () => Before(await TopIds(), newer, older), "the newer news ranks first on a tie");

        Assert.Null((await News(older).Vote(voter, VoteDirection.Up)).Rejection);

        await Eventually(async () => Before(await TopIds(), older, newer), "the voted news ranks first");
    }

    [Fact]
    public async Task A_down_vote_needs_thirty_karma()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var id = await Submit(alice);

        var result = await News(id).Vote(bob, VoteDirection.Down);

        Assert.Equal(NewsRejections.NotEnoughKarma(VoteDirection.Down), result.Rejection);
        Assert.Equal(1, (await Grains.GetGrain<IUserGrain>(bob).GetProfile())!.Karma);
    }

    [Fact]
    public async Task An_up_vote_costs_the_voter_karma_and_credits_the_author_through_the_event()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var id = await Submit(alice);

        Assert.Null((await News(id).Vote(bob, VoteDirection.Up)).Rejection);

        Assert.Equal(0, (await Grains.GetGrain<IUserGrain>(bob).GetProfile())!.Karma);
        await Eventually(async () => (await Grains.GetGrain<IUserGrain>(alice).GetProfile())!.Karma == 2, "the author is credited");
        var second = await Submit(await NewUser());
        Assert.Equal(NewsRejections.NotEnoughKarma(VoteDirection.Up), (await News(second).Vote(bob, VoteDirection.Up)).Rejection);
    }

    [Fact]
    public async Task The_authors_karma_credit_names_the_request_of_the_vote_that_caused_it()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var id = await Submit(alice);

        RequestContext.Set(RequestContextKeys.CorrelationId, "req-vote-9");
        try
        {
            Assert.Null((await News(id).Vote(bob, VoteDirection.Up)).Rejection);
        }
        finally
        {
            RequestContext.Clear();
        }

        await Eventually(async () => (await Log.ReadStreamAsync(UserStreams.StreamOf(alice))).Any(e => e.Data is UserKarmaCredited), "the author is credited");
        var credit = (await Log.ReadStreamAsync(UserStreams.StreamOf(alice))).Single(e => e.Data is UserKarmaCredited);
        Assert.Equal("req-vote-9", credit.CorrelationId);
        Assert.Equal(EventStreams.StreamOf(NewsStreams.Category, id.ToString(CultureInfo.InvariantCulture)), ((UserKarmaCredited)credit.Data).SourceStream);
    }

    [Fact]
    public async Task Parallel_votes_of_one_user_cannot_overspend_karma()
    {
        var voter = await NewUser();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Submit(await NewUser()));
        }

        var results = await Task.WhenAll(ids.Select(id => News(id).Vote(voter, VoteDirection.Up)));

        Assert.Single(results, r => r.Ok);
        Assert.Equal(0, (await Grains.GetGrain<IUserGrain>(voter).GetProfile())!.Karma);
    }

    [Fact]
    public async Task Voting_twice_on_the_same_news_is_refused_and_costs_nothing_more()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var id = await Submit(alice);
        await News(id).Vote(bob, VoteDirection.Up);

        var again = await News(id).Vote(bob, VoteDirection.Up);

        Assert.Equal(NewsRejections.DuplicatedVote, again.Rejection);
        Assert.Equal(0, (await Grains.GetGrain<IUserGrain>(bob).GetProfile())!.Karma);
    }

    [Fact]
    public async Task Voting_on_a_deleted_news_is_refused_and_it_never_reenters_the_lists()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var id = await Submit(alice);
        await News(id).Delete(alice);

        Assert.Equal(NewsRejections.NewsDeleted, (await News(id).Vote(bob, VoteDirection.Up)).Rejection);
        Assert.Equal(NewsRejections.NewsDeleted, (await News(id).PostComment(bob, -1, "hi")).Rejection);
        await Eventually(async () => (await Ranking.GetMany([id])).SingleOrDefault()?.Deleted == true, "the deletion reaches the lists");
        Assert.DoesNotContain(id, await TopIds());
        Assert.Equal(1, (await Ranking.GetMany([id])).Single().Up);
    }

    [Fact]
    public async Task Ranks_age_with_the_clock_without_any_event()
    {
        var alice = await NewUser();
        var voter = await NewUser();
        var old = await Submit(alice);
        await News(old).Vote(voter, VoteDirection.Up); // score 2
        var fresh0 = await Submit(await NewUser()); // score 1, same age
        await Eventually(async () => Before(await TopIds(), old, fresh0), "score 2 ranks above score 1 at the same age");

        Clock.Advance(TimeSpan.FromHours(10));
        var fresh = await Submit(await NewUser()); // score 1, age 0: 1/28800^1.1 beats 2/64800^1.1

        await Eventually(async () => Before(await TopIds(), fresh, old), "the fresh news passes the older, better voted one");
    }

    [Fact]
    public async Task A_ranking_grain_activated_later_rebuilds_the_lists_from_the_log()
    {
        var alice = await NewUser();
        var id = await Submit(alice);
        await News(id).PostComment(alice, -1, "hello");

        var rebuilt = Grains.GetGrain<INewsRankingGrain>(Random.Shared.NextInt64(1_000, long.MaxValue));

        var view = (await rebuilt.GetMany([id])).Single();
        Assert.Equal(1, view.Comments);
        Assert.Contains(id, (await rebuilt.GetLatest(0, 32)).Items.Select(i => i.Id));
    }

    [Fact]
    public async Task An_event_delivered_twice_is_applied_once()
    {
        var alice = await NewUser();
        var voter = await NewUser();
        var id = await Submit(alice);
        await News(id).Vote(voter, VoteDirection.Up);
        await Eventually(async () => (await Ranking.GetMany([id])).SingleOrDefault()?.Up == 2, "the vote is counted");
        var ranking = Grains.GetGrain<INewsRankingGrain>(0);

        var vote = new Actors.EventSourcing.RecordedEvent(
            $"news-{id}", 3, 0, Guid.NewGuid(), Clock.GetUtcNow(), null, null, new NewsUpvoted(id, voter, alice, 1, Clock.GetUtcNow()));
        await ranking.Apply(vote);

        Assert.Equal(2, (await Ranking.GetMany([id])).Single().Up);
    }
}
