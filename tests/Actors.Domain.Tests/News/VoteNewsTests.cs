using Actors.News;

namespace Actors.Tests.News;

public class VoteNewsTests : NewsSpec
{
    [Fact]
    public void An_up_vote_on_someone_elses_news_transfers_karma_to_the_author()
    {
        Given(Submitted(), AutoVote());

        When(Vote(Bob, VoteDirection.Up));

        Then(new NewsUpvoted(NewsId, Bob, Alice, Options.NewsUpvoteKarmaTransfered, T0));
    }

    [Fact]
    public void A_down_vote_names_the_author_and_transfers_nothing()
    {
        Given(Submitted(), AutoVote());

        When(Vote(Bob, VoteDirection.Down));

        Then(new NewsDownvoted(NewsId, Bob, Alice, T0));
    }

    [Theory]
    [InlineData(VoteDirection.Up, VoteDirection.Up)]
    [InlineData(VoteDirection.Up, VoteDirection.Down)]
    [InlineData(VoteDirection.Down, VoteDirection.Up)]
    public void Voting_twice_on_the_same_news_is_refused_in_either_direction(VoteDirection first, VoteDirection second)
    {
        Given(Submitted(), AutoVote());
        When(Vote(Bob, first));
        AndApplied();

        When(Vote(Bob, second));

        ThenRejected(NewsRejections.DuplicatedVote);
    }

    [Fact]
    public void The_author_has_already_voted_through_the_automatic_vote()
    {
        Given(Submitted(), AutoVote());

        When(Vote(Alice, VoteDirection.Down));

        ThenRejected(NewsRejections.DuplicatedVote);
    }

    [Fact]
    public void Voting_on_a_missing_news_is_refused()
    {
        When(Vote(Bob, VoteDirection.Up));

        ThenRejected(NewsRejections.NoSuchNews);
    }

    [Fact]
    public void Voting_on_a_deleted_news_is_refused()
    {
        Given(Submitted(), AutoVote(), new NewsDeleted(NewsId, Alice, T0));

        When(Vote(Bob, VoteDirection.Up));

        ThenRejected(NewsRejections.NewsDeleted);
    }

    [Fact]
    public void Voting_someone_elses_news_is_priced_by_direction_and_own_news_is_free()
    {
        Given(Submitted(), AutoVote());

        Assert.Equal((1, 1), NewsDecider.KarmaPrice(Vote(Bob, VoteDirection.Up), State));
        Assert.Equal((30, 6), NewsDecider.KarmaPrice(Vote(Bob, VoteDirection.Down), State));
        Assert.Null(NewsDecider.KarmaPrice(Vote(Alice, VoteDirection.Up), State));
    }

    [Fact]
    public void Votes_are_counted_in_the_state()
    {
        Given(Submitted(), AutoVote(), new NewsUpvoted(NewsId, Bob, Alice, 1, T0), new NewsDownvoted(NewsId, Carol, Alice, T0));

        Assert.Equal(2, State.Upvoters.Count);
        Assert.Single(State.Downvoters);
        Assert.Equal(1, State.Score(Options));
    }
}
