using Actors.News;

namespace Actors.Tests.News;

public class SubmitNewsTests : NewsSpec
{
    [Fact]
    public void A_link_is_submitted_with_the_authors_automatic_up_vote()
    {
        When(Submit(NewsId, Alice, "alice", "A title", "https://example.com/a", ""));

        Then(
            new NewsSubmitted(NewsId, Alice, "alice", "A title", "https://example.com/a", T0),
            new NewsUpvoted(NewsId, Alice, Alice, 0, T0));
    }

    [Fact]
    public void A_text_post_is_stored_as_a_text_url_cut_to_the_comment_limit()
    {
        var body = new string('x', Options.CommentMaxLength + 10);

        When(Submit(NewsId, Alice, "alice", "Ask", "", body));

        var submitted = Assert.IsType<NewsSubmitted>(Assert.Single(Decided, e => e is NewsSubmitted));
        Assert.Equal("text://" + new string('x', Options.CommentMaxLength), submitted.Url);
    }

    [Fact]
    public void When_both_url_and_text_are_given_the_url_wins()
    {
        When(Submit(NewsId, Alice, "alice", "T", "http://x.org", "some text"));

        Assert.Equal("http://x.org", Decided.OfType<NewsSubmitted>().Single().Url);
    }

    [Theory]
    [InlineData("", "http://x.org", "")]
    [InlineData("   ", "http://x.org", "")]
    [InlineData("Title", "", "")]
    public void Without_a_title_or_without_url_and_text_it_is_refused(string title, string url, string text)
    {
        When(Submit(NewsId, Alice, "alice", title, url, text));

        ThenRejected(NewsRejections.TitleAndUrlOrTextRequired);
    }

    [Theory]
    [InlineData("ftp://x.org")]
    [InlineData("javascript:alert(1)")]
    [InlineData("HTTP://x.org")]
    [InlineData("x.org")]
    public void Only_http_and_https_links_are_accepted(string url)
    {
        When(Submit(NewsId, Alice, "alice", "T", url, ""));

        ThenRejected(NewsRejections.OnlyHttpUrls);
    }

    [Fact]
    public void A_title_longer_than_the_limit_is_refused()
    {
        When(Submit(NewsId, Alice, "alice", new string('t', Options.TitleMaxLength + 1), "http://x.org", ""));

        ThenRejected(NewsRejections.TitleTooLong(Options.TitleMaxLength));
    }

    [Fact]
    public void A_title_of_exactly_the_limit_is_accepted()
    {
        When(Submit(NewsId, Alice, "alice", new string('t', Options.TitleMaxLength), "http://x.org", ""));

        Assert.Equal(2, Decided.Count);
    }

    [Fact]
    public void Submitting_the_same_news_again_is_already_done()
    {
        Given(Submitted(), AutoVote());

        When(Submit(NewsId, Alice, "alice", "A title", "https://example.com/a", ""));

        ThenNothingHappens();
    }

    [Fact]
    public void Submitting_other_content_under_a_taken_id_is_refused()
    {
        Given(Submitted(), AutoVote());

        When(Submit(NewsId, Bob, "bob", "Other", "https://example.com/b", ""));

        ThenRejected(NewsRejections.AlreadyExists);
    }

    [Fact]
    public void A_submitted_news_has_score_one_from_its_automatic_vote()
    {
        When(Submit(NewsId, Alice, "alice", "A title", "https://example.com/a", ""));
        AndApplied();

        Assert.Equal(1, State.Score(Options));
        Assert.Contains(Alice, State.Upvoters);
    }
}

public class SubmissionBreakTests : NewsSpec
{
    private StartSubmission Start(bool isAdmin = false) => new(isAdmin, Options.NewsSubmissionBreakSeconds, Now);

    [Fact]
    public void A_first_submission_needs_no_break()
    {
        Assert.Null(NewsDecider.DecideSubmissionBreak(Start(), lastSubmittedAt: null));
    }

    [Fact]
    public void Within_the_break_the_author_is_told_how_many_seconds_to_wait()
    {
        Now = T0.AddSeconds(100);

        Assert.Equal(
            NewsRejections.SubmittedTooRecently(Options.NewsSubmissionBreakSeconds - 100),
            NewsDecider.DecideSubmissionBreak(Start(), lastSubmittedAt: T0));
    }

    [Fact]
    public void Once_the_break_is_over_the_author_submits_again()
    {
        Now = T0.AddSeconds(Options.NewsSubmissionBreakSeconds);

        Assert.Null(NewsDecider.DecideSubmissionBreak(Start(), lastSubmittedAt: T0));
    }

    [Fact]
    public void An_admin_takes_no_break()
    {
        Now = T0.AddSeconds(1);

        Assert.Null(NewsDecider.DecideSubmissionBreak(Start(isAdmin: true), lastSubmittedAt: T0));
    }
}
