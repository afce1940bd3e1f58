using Actors.News;

namespace Actors.Tests.News;

public class PostCommentTests : NewsSpec
{
    [Fact]
    public void Comments_are_numbered_from_one_per_news()
    {
        Given(Submitted(), AutoVote());

        When(PostComment(Bob, "bob", -1, "first"));
        Then(new CommentPosted(NewsId, 1, -1, Bob, "bob", "first", null, T0));
        AndApplied();

        When(PostComment(Carol, "carol", -1, "second"));
        Then(new CommentPosted(NewsId, 2, -1, Carol, "carol", "second", null, T0));
    }

    [Fact]
    public void A_reply_names_the_author_of_its_parent()
    {
        Given(Submitted(), AutoVote(), Comment(1, author: Bob));

        When(PostComment(Carol, "carol", 1, "reply"));

        Then(new CommentPosted(NewsId, 2, 1, Carol, "carol", "reply", Bob, T0));
    }

    [Fact]
    public void A_reply_to_a_missing_comment_is_refused()
    {
        Given(Submitted(), AutoVote());

        When(PostComment(Carol, "carol", 5, "reply"));

        ThenRejected(NewsRejections.InvalidComment);
    }

    [Fact]
    public void An_empty_comment_is_refused()
    {
        Given(Submitted(), AutoVote());

        When(PostComment(Bob, "bob", -1, ""));

        ThenRejected(NewsRejections.EmptyComment);
    }

    [Fact]
    public void A_comment_longer_than_the_limit_is_refused_and_one_at_the_limit_accepted()
    {
        Given(Submitted(), AutoVote());

        When(PostComment(Bob, "bob", -1, new string('c', Options.CommentMaxLength + 1)));
        ThenRejected(NewsRejections.CommentTooLong(Options.CommentMaxLength));

        When(PostComment(Bob, "bob", -1, new string('c', Options.CommentMaxLength)));
        Assert.Single(Decided);
    }

    [Fact]
    public void Commenting_on_a_missing_or_deleted_news_is_refused()
    {
        When(PostComment(Bob, "bob", -1, "hi"));
        ThenRejected(NewsRejections.InvalidComment);

        Given(Submitted(), AutoVote(), new NewsDeleted(NewsId, Alice, T0));
        When(PostComment(Bob, "bob", -1, "hi"));
        ThenRejected(NewsRejections.NewsDeleted);
    }

    [Fact]
    public void A_new_comment_has_its_authors_point()
    {
        Given(Submitted(), AutoVote(), Comment(1, author: Bob));

        Assert.Equal([Bob], State.Comments[1].Upvoters);
        Assert.Equal(1, State.CommentCount);
    }
}

public class EditCommentTests : NewsSpec
{
    [Fact]
    public void The_author_edits_within_the_comment_window()
    {
        Given(Submitted(), AutoVote(), Comment(1, author: Bob));
        Now = T0.AddSeconds(Options.CommentEditTimeSeconds - 1);

        When(EditComment(Bob, 1, "better"));

        Then(new CommentEdited(NewsId, 1, Bob, "better", Now));
    }

    [Fact]
    public void Editing_after_the_window_or_someone_elses_comment_is_refused()
    {
        Given(Submitted(), AutoVote(), Comment(1, author: Bob));

        When(EditComment(Carol, 1, "mine"));
        ThenRejected(NewsRejections.InvalidComment);

        Now = T0.AddSeconds(Options.CommentEditTimeSeconds);
        When(EditComment(Bob, 1, "late"));
        ThenRejected(NewsRejections.InvalidComment);
    }

    [Fact]
    public void Editing_a_deleted_comment_is_refused()
    {
        Given(Submitted(), AutoVote(), Comment(1, author: Bob), new CommentDeleted(NewsId, 1, Bob, T0));

        When(EditComment(Bob, 1, "back"));

        ThenRejected(NewsRejections.InvalidComment);
    }

    [Fact]
    public void Editing_to_the_same_body_is_already_done()
    {
        Given(Submitted(), AutoVote(), Comment(1, author: Bob));

        When(EditComment(Bob, 1, "comment 1"));

        ThenNothingHappens();
    }

    [Fact]
    public void An_edit_longer_than_the_limit_is_refused()
    {
        Given(Submitted(), AutoVote(), Comment(1, author: Bob));

        When(EditComment(Bob, 1, new string('c', Options.CommentMaxLength + 1)));

        ThenRejected(NewsRejections.CommentTooLong(Options.CommentMaxLength));
    }
}

public class DeleteCommentTests : NewsSpec
{
    [Fact]
    public void The_author_deletes_and_the_comment_keeps_its_place()
    {
        Given(Submitted(), AutoVote(), Comment(1, author: Bob), Comment(2, parent: 1, author: Carol, parentAuthor: Bob));

        When(DeleteComment(Bob, 1));
        Then(new CommentDeleted(NewsId, 1, Bob, T0));
        AndApplied();

        Assert.True(State.Comments[1].Deleted);
        Assert.Equal(1, State.CommentCount);
        Assert.Equal(2, State.Comments.Count);
    }

    [Fact]
    public void Deleting_twice_is_already_done()
    {
        Given(Submitted(), AutoVote(), Comment(1, author: Bob), new CommentDeleted(NewsId, 1, Bob, T0));

        When(DeleteComment(Bob, 1));

        ThenNothingHappens();
    }

    [Fact]
    public void Someone_else_cannot_delete_a_comment()
    {
        Given(Submitted(), AutoVote(), Comment(1, author: Bob));

        When(DeleteComment(Alice, 1));

        ThenRejected(NewsRejections.InvalidComment);
    }
}

public class VoteCommentTests : NewsSpec
{
    [Fact]
    public void A_user_votes_a_comment_once_in_either_direction()
    {
        Given(Submitted(), AutoVote(), Comment(1, author: Bob));

        When(VoteComment(Carol, 1, VoteDirection.Up));
        Then(new CommentUpvoted(NewsId, 1, Carol, T0));
        AndApplied();

        When(VoteComment(Carol, 1, VoteDirection.Down));
        ThenRejected(NewsRejections.CommentVoteRefused);
    }

    [Fact]
    public void The_author_of_a_comment_has_already_voted_it()
    {
        Given(Submitted(), AutoVote(), Comment(1, author: Bob));

        When(VoteComment(Bob, 1, VoteDirection.Down));

        ThenRejected(NewsRejections.CommentVoteRefused);
    }

    [Fact]
    public void Voting_a_missing_comment_is_refused()
    {
        Given(Submitted(), AutoVote());

        When(VoteComment(Carol, 9, VoteDirection.Up));

        ThenRejected(NewsRejections.CommentVoteRefused);
    }

    [Fact]
    public void A_down_vote_on_a_comment_is_recorded()
    {
        Given(Submitted(), AutoVote(), Comment(1, author: Bob));

        When(VoteComment(Alice, 1, VoteDirection.Down));

        Then(new CommentDownvoted(NewsId, 1, Alice, T0));
    }
}
