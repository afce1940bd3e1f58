using Actors.News;

namespace Actors.Tests.News;

public class EditNewsTests : NewsSpec
{
    [Fact]
    public void The_author_edits_title_and_url_within_the_edit_window()
    {
        Given(Submitted(), AutoVote());
        Now = T0.AddSeconds(Options.NewsEditTimeSeconds - 1);

        When(Edit(Alice, false, "New title", "https://example.com/b", ""));

        Then(new NewsEdited(NewsId, Alice, "New title", "https://example.com/b", Now));
    }

    [Fact]
    public void The_author_cannot_edit_once_the_window_has_passed()
    {
        Given(Submitted(), AutoVote());
        Now = T0.AddSeconds(Options.NewsEditTimeSeconds);

        When(Edit(Alice, false, "New title", "https://example.com/a", ""));

        ThenRejected(NewsRejections.EditRefused);
    }

    [Fact]
    public void An_admin_edits_any_news_at_any_time()
    {
        Given(Submitted(), AutoVote());
        Now = T0.AddDays(10);

        When(Edit(Bob, true, "Fixed", "https://example.com/a", ""));

        Then(new NewsEdited(NewsId, Bob, "Fixed", "https://example.com/a", Now));
    }

    [Fact]
    public void Someone_else_cannot_edit()
    {
        Given(Submitted(), AutoVote());

        When(Edit(Bob, false, "Mine now", "https://example.com/a", ""));

        ThenRejected(NewsRejections.EditRefused);
    }

    [Fact]
    public void A_missing_or_deleted_news_cannot_be_edited()
    {
        When(Edit(Alice, true, "T", "https://example.com/a", ""));
        ThenRejected(NewsRejections.EditRefused);

        Given(Submitted(), AutoVote(), new NewsDeleted(NewsId, Alice, T0));
        When(Edit(Alice, false, "T", "https://example.com/a", ""));
        ThenRejected(NewsRejections.EditRefused);
    }

    [Fact]
    public void An_edit_that_changes_nothing_is_already_done()
    {
        Given(Submitted(), AutoVote());

        When(Edit(Alice, false, "A title", "https://example.com/a", ""));

        ThenNothingHappens();
    }

    [Fact]
    public void An_edit_is_checked_like_a_submission()
    {
        Given(Submitted(), AutoVote());

        When(Edit(Alice, false, "T", "gopher://x", ""));

        ThenRejected(NewsRejections.OnlyHttpUrls);
    }

    [Fact]
    public void An_edit_to_a_link_the_grain_could_not_claim_is_refused()
    {
        Given(Submitted(), AutoVote());

        When(Edit(Alice, false, "A title", "https://example.com/taken", "", linkClaimed: false));

        ThenRejected(NewsRejections.EditRefused);
    }

    [Fact]
    public void Only_an_edit_that_would_be_accepted_and_moves_to_a_new_link_asks_for_a_claim()
    {
        Given(Submitted(), AutoVote());

        Assert.Equal("https://example.com/b", NewsDecider.UrlToClaim(Edit(Alice, false, "T", "https://example.com/b", ""), State));
        Assert.Null(NewsDecider.UrlToClaim(Edit(Alice, false, "New title", "https://example.com/a", ""), State)); // same link
        Assert.Null(NewsDecider.UrlToClaim(Edit(Alice, false, "T", "", "now a text post"), State));
        Assert.Null(NewsDecider.UrlToClaim(Edit(Bob, false, "T", "https://example.com/b", ""), State)); // refused anyway
        Assert.Null(NewsDecider.UrlToClaim(Edit(Alice, false, "T", "gopher://b", ""), State));
    }

    [Fact]
    public void The_edit_window_is_data_and_the_rule_ends_where_it_says()
    {
        Given(Submitted(), AutoVote());
        var until = NewsDecider.EditableUntil(State, Options.NewsEditTimeSeconds);

        Assert.Equal(T0.ToUnixTimeSeconds() + Options.NewsEditTimeSeconds, until);
        Now = DateTimeOffset.FromUnixTimeSeconds(until!.Value - 1);
        When(Edit(Alice, false, "Just in time", "https://example.com/a", ""));
        Assert.Single(Decided);
        Now = DateTimeOffset.FromUnixTimeSeconds(until.Value);
        When(Edit(Alice, false, "Too late", "https://example.com/a", ""));
        ThenRejected(NewsRejections.EditRefused);
    }

    [Fact]
    public void A_deleted_news_has_no_edit_window()
    {
        Given(Submitted(), AutoVote(), new NewsDeleted(NewsId, Alice, T0));

        Assert.Null(NewsDecider.EditableUntil(State, Options.NewsEditTimeSeconds));
    }
}
