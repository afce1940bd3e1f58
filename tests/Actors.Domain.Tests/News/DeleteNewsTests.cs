using Actors.News;

namespace Actors.Tests.News;

public class DeleteNewsTests : NewsSpec
{
    [Fact]
    public void The_author_deletes_within_the_edit_window()
    {
        Given(Submitted(), AutoVote());
        Now = T0.AddSeconds(60);

        When(Delete(Alice, false));

        Then(new NewsDeleted(NewsId, Alice, Now));
    }

    [Fact]
    public void The_author_cannot_delete_after_the_window_but_an_admin_can()
    {
        Given(Submitted(), AutoVote());
        Now = T0.AddSeconds(Options.NewsEditTimeSeconds + 1);

        When(Delete(Alice, false));
        ThenRejected(NewsRejections.DeleteRefused);

        When(Delete(Carol, true));
        Then(new NewsDeleted(NewsId, Carol, Now));
    }

    [Fact]
    public void Someone_else_cannot_delete()
    {
        Given(Submitted(), AutoVote());

        When(Delete(Bob, false));

        ThenRejected(NewsRejections.DeleteRefused);
    }

    [Fact]
    public void A_missing_news_cannot_be_deleted()
    {
        When(Delete(Alice, true));

        ThenRejected(NewsRejections.DeleteRefused);
    }

    [Fact]
    public void Deleting_twice_is_already_done()
    {
        Given(Submitted(), AutoVote(), new NewsDeleted(NewsId, Alice, T0));

        When(Delete(Alice, false));

        ThenNothingHappens();
    }
}
