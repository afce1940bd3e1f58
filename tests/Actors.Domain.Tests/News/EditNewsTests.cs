using Actors.News;

namespace Actors.Tests.News;

public class EditNewsTests : NewsSpec
{
    [Fact]
    public void The_author_edits_title_and_url_within_the_edit_window()
    {
        Given(Submitted(), AutoVote());
        Now = T0.AddSeconds(Options.NewsEditTimeSeconds - 1);

        When(new NewsCommand.Edit(Alice, false, "New title", "https://example.com/b", ""));

        Then(new NewsEdited(NewsId, Alice, "New title", "https://example.com/b", Now));
    }

    [Fact]
    public void The_author_cannot_edit_once_the_window_has_passed()
    {
        Given(Submitted(), AutoVote());
        Now = T0.AddSeconds(Options.NewsEditTimeSeconds);

        When(new NewsCommand.Edit(Alice, false, "New title", "https://example.com/a", ""));

        ThenRejected(NewsRejections.EditRefused);
    }

    [Fact]
    public void An_admin_edits_any_news_at_any_time()
    {
        Given(Submitted(), AutoVote());
        Now = T0.AddDays(10);

        When(new NewsCommand.Edit(Bob, true, "Fixed", "https://example.com/a", ""));

        Then(new NewsEdited(NewsId, Bob, "Fixed", "https://example.com/a", Now));
    }

    [Fact]
    public void Someone_else_cannot_edit()
    {
        Given(Submitted(), AutoVote());

        When(new NewsCommand.Edit(Bob, false, "Mine now", "https://example.com/a", ""));

        ThenRejected(NewsRejections.EditRefused);
    }

    [Fact]
    public void A_missing_or_deleted_news_cannot_be_edited()
    {
        When(new NewsCommand.Edit(Alice, true, "T", "https://example.com/a", ""));
        ThenRejected(NewsRejections.EditRefused);

        Given(Submitted(), AutoVote(), new NewsDeleted(NewsId, Alice, T0));
        When(new NewsCommand.Edit(Alice, false, "T", "https://example.com/a", ""));
        ThenRejected(NewsRejections.EditRefused);
    }

    [Fact]
    public void An_edit_that_changes_nothing_is_already_done()
    {
        Given(Submitted(), AutoVote());

        When(new NewsCommand.Edit(Alice, false, "A title", "https://example.com/a", ""));

        ThenNothingHappens();
    }

    [Fact]
    public void An_edit_is_checked_like_a_submission()
    {
        Given(Submitted(), AutoVote());

        When(new NewsCommand.Edit(Alice, false, "T", "gopher://x", ""));

        ThenRejected(NewsRejections.OnlyHttpUrls);
    }
}
