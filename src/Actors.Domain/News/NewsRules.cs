namespace Actors.News;

/// <summary>The rules of a news item that need no state of it, shared by the decider, the submission path and the views.</summary>
public static class NewsRules
{
    /// <summary>Text posts are stored with this scheme in front of their body.</summary>
    public const string TextScheme = "text://";

    /// <summary>
    /// Checks title, URL and text in the Lamernews order (something to post, then the scheme) plus the project's length
    /// limits; answers the URL to store (<c>text://body</c>, the body cut to the text limit, when no URL is given).
    /// </summary>
    public static (string Url, Rejection? Rejection) Validate(string title, string url, string text, PostLimits limits)
    {
        if (string.IsNullOrWhiteSpace(title) || (url.Length == 0 && text.Length == 0))
        {
            return ("", NewsRejections.TitleAndUrlOrTextRequired);
        }

        if (url.Length != 0 && !url.StartsWith("http://", StringComparison.Ordinal) && !url.StartsWith("https://", StringComparison.Ordinal))
        {
            return ("", NewsRejections.OnlyHttpUrls);
        }

        if (title.Length > limits.TitleMaxLength)
        {
            return ("", NewsRejections.TitleTooLong(limits.TitleMaxLength));
        }

        if (url.Length > limits.UrlMaxLength)
        {
            return ("", NewsRejections.UrlTooLong(limits.UrlMaxLength));
        }

        // When both are given the URL wins and the text is dropped, as in Lamernews.
        return url.Length != 0 ? (url, null) : (TextScheme + text[..Math.Min(text.Length, limits.TextMaxLength)], null);
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
