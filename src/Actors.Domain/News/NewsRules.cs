namespace Actors.News;

/// <summary>The rules of a news item that need no state of it, shared by the decider, the submission path and the views.</summary>
public static class NewsRules
{
    /// <summary>Text posts are stored with this scheme in front of their body.</summary>
    public const string TextScheme = "text://";

    /// <summary>
    /// Checks title, URL and text in the Lamernews order (something to post, then the scheme) plus the project's length
    /// limits, on the title and text as cleaned (<see cref="CleanTitle"/>, <see cref="CleanText"/>); answers the title
    /// and the URL to store (<c>text://body</c>, the body cut to the text limit, when no URL is given).
    /// </summary>
    public static (string Title, string Url, Rejection? Rejection) Validate(string title, string url, string text, PostLimits limits)
    {
        title = CleanTitle(title);
        text = CleanText(text);
        if (string.IsNullOrWhiteSpace(title) || (url.Length == 0 && text.Length == 0))
        {
            return ("", "", NewsRejections.TitleAndUrlOrTextRequired);
        }

        if (url.Length != 0 && !url.StartsWith("http://", StringComparison.Ordinal) && !url.StartsWith("https://", StringComparison.Ordinal))
        {
            return ("", "", NewsRejections.OnlyHttpUrls);
        }

        if (title.Length > limits.TitleMaxLength)
        {
            return ("", "", NewsRejections.TitleTooLong(limits.TitleMaxLength));
        }

        if (url.Length > limits.UrlMaxLength)
        {
            return ("", "", NewsRejections.UrlTooLong(limits.UrlMaxLength));
        }

        // When both are given the URL wins and the text is dropped, as in Lamernews.
        return url.Length != 0 ? (title, url, null) : (title, TextScheme + text[..Math.Min(text.Length, limits.TextMaxLength)], null);
    }

    /// <summary>
    /// A title as it may be stored: without any control character (a title is one line) and without what XML and HTML
    /// cannot carry. One U+0001 in a stored title once made the RSS feed invalid XML for every reader.
    /// </summary>
    public static string CleanTitle(string title) => Clean(title, keepLineBreaks: false);

    /// <summary>
    /// A news text or comment as it may be stored: tabs and line breaks stay; other control characters, U+FFFE/U+FFFF
    /// and unpaired surrogates (none of which XML or HTML can carry) are dropped, which is friendlier than a refusal.
    /// </summary>
    public static string CleanText(string text) => Clean(text, keepLineBreaks: true);

    private static string Clean(string text, bool keepLineBreaks)
    {
        // The common case allocates nothing: most input has nothing to drop.
        var first = 0;
        while (first < text.Length && Keeps(text, first, keepLineBreaks))
        {
            first++;
        }

        if (first == text.Length)
        {
            return text;
        }

        var kept = new System.Text.StringBuilder(text.Length);
        kept.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            if (Keeps(text, i, keepLineBreaks))
            {
                kept.Append(text[i]);
            }
        }

        return kept.ToString();
    }

    private static bool Keeps(string text, int i, bool keepLineBreaks)
    {
        var c = text[i];
        if (char.IsControl(c))
        {
            return keepLineBreaks && c is ('\t' or '\n' or '\r');
        }

        if (char.IsHighSurrogate(c))
        {
            return i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
        }

        if (char.IsLowSurrogate(c))
        {
            return i > 0 && char.IsHighSurrogate(text[i - 1]);
        }

        return c is not ('\uFFFE' or '\uFFFF');
    }

    public static bool IsTextUrl(string url) => url.StartsWith(TextScheme, StringComparison.Ordinal);

    /// <summary>
    /// The edit window, as data: until when (Unix seconds, exclusive) the author may still edit or delete a news created
    /// at <paramref name="createdAt"/> (Unix seconds), NewsEditTime later; null once it is deleted. Admins are not bound
    /// by it. The decider's rule and the views both read this one function.
    /// </summary>
    public static long? EditableUntil(long createdAt, bool deleted, int editTimeSeconds) => deleted ? null : createdAt + editTimeSeconds;

    /// <summary>
    /// Whether <paramref name="at"/> is inside an edit window ending at <paramref name="editableUntil"/>: whole Unix
    /// seconds, as Lamernews counts a news' age.
    /// </summary>
    public static bool IsEditableAt(long? editableUntil, DateTimeOffset at) => at.ToUnixTimeSeconds() < editableUntil;
}
