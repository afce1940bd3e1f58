using Actors.News;

namespace Actors.Tests.News;

/// <summary>A news with tens of thousands of votes folds, counts and refuses repeats like a small one.</summary>
public class ManyVotesTests : NewsSpec
{
    private const int Voters = 20_000;

    private static INewsEvent[] History()
    {
        var events = new List<INewsEvent> { Submitted(), AutoVote() };
        for (long voter = 100; voter < 100 + Voters; voter++)
        {
            events.Add(voter % 4 == 0 ? new NewsDownvoted(NewsId, voter, Alice, T0) : new NewsUpvoted(NewsId, voter, Alice, 1, T0));
        }

        return [.. events];
    }

    [Fact]
    public void Every_one_of_twenty_thousand_voters_is_refused_a_second_vote()
    {
        Given(History());

        for (long voter = 100; voter < 100 + Voters; voter += 997)
        {
            When(Vote(voter, VoteDirection.Up));
            ThenRejected(NewsRejections.DuplicatedVote);
        }
    }

    [Fact]
    public void The_counts_are_those_of_the_votes()
    {
        Given(History());

        Assert.Equal(1 + (Voters * 3 / 4), State.Upvoters.Count);
        Assert.Equal(Voters / 4, State.Downvoters.Count);
    }

    [Fact]
    public void A_new_voter_is_accepted_and_the_state_decided_on_is_unchanged()
    {
        Given(History());
        var before = State;

        When(Vote(Carol, VoteDirection.Up));
        AndApplied();

        Assert.True(State.HasVoted(Carol));
        Assert.False(before.HasVoted(Carol));
        Assert.Equal(before.Upvoters.Count + 1, State.Upvoters.Count);
    }
}
