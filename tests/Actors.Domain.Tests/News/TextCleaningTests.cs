using Actors.News;

namespace Actors.Tests.News;

/// <summary>
/// Titles, texts and comments are stored without what XML and HTML cannot carry: a title loses every control
/// character, a text or comment keeps its tabs and line breaks.
/// </summary>
public class TextCleaningTests : NewsSpec
{
    [Fact]
    public void Given_control_characters_in_a_title_When_it_is_submitted_Then_they_are_dropped()
    {
        When(Submit(NewsId, Alice, "alice", "A\u0001 ti\u000Btle\n\u007F\u0085\uFFFF", "https://example.com/a", ""));

        Assert.Equal("A title", Decided.OfType<NewsSubmitted>().Single().Title);
    }

    [Fact]
    public void Given_a_title_of_control_characters_only_When_it_is_submitted_Then_it_is_refused_as_missing()
    {
        When(Submit(NewsId, Alice, "alice", "\u0001\u0002", "https://example.com/a", ""));

        ThenRejected(NewsRejections.TitleAndUrlOrTextRequired);
    }

    [Fact]
    public void Given_control_characters_in_a_text_post_When_it_is_submitted_Then_they_are_dropped_but_line_breaks_stay()
    {
        When(Submit(NewsId, Alice, "alice", "Ask", "", "line\u0000 one\r\n\tline\u001B two \ud83d\ude00 \ud800"));

        Assert.Equal("text://line one\r\n\tline two \ud83d\ude00 ", Decided.OfType<NewsSubmitted>().Single().Url);
    }

    [Fact]
    public void Given_control_characters_in_a_comment_When_it_is_posted_Then_they_are_dropped_but_line_breaks_stay()
    {
        Given(Submitted(), AutoVote());

        When(PostComment(Bob, "bob", -1, "fi\u0008rst\nline"));

        Then(new CommentPosted(NewsId, 1, -1, Bob, "bob", "first\nline", null, T0));
    }

    [Fact]
    public void Given_a_comment_of_control_characters_only_When_it_is_posted_Then_it_is_refused_as_empty()
    {
        Given(Submitted(), AutoVote());

        When(PostComment(Bob, "bob", -1, "\u0007"));

        ThenRejected(NewsRejections.EmptyComment);
    }

    [Fact]
    public void Given_clean_text_When_it_is_cleaned_Then_the_same_string_comes_back()
    {
        const string text = "Plain text, with a tab\tand \u00e9 \ud83d\ude00\nand a line";
        const string title = "Plain title \u00e9 \ud83d\ude00";

        Assert.Same(text, NewsRules.CleanText(text));
        Assert.Same(title, NewsRules.CleanTitle(title));
    }
}
