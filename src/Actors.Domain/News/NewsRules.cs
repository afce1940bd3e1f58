namespace Actors.News;

/// <summary>The checks of a submission or edit that need no state, shared by the decider and the submission path.</summary>
public static class NewsRules
{
    /// <summary>Text posts are stored with this scheme in front of their body.</summary>
    public const string TextScheme = "text://";

    /// <summary>
    /// Checks title, URL and text in the Lamernews order (something to post, then the scheme) plus the project's length
    /// limits; answers the URL to store (<c>text://body</c>, the body cut to CommentMaxLength, when no URL is given).
    /// </summary>
    public static (string Url, Rejection? Rejection) Validate(string title, string url, string text, NewsOptions options)
    {
        if (string.IsNullOrWhiteSpace(title) || (url.Length == 0 && text.Length == 0))
        {
            return ("", NewsRejections.TitleAndUrlOrTextRequired);
        }

        if (url.Length != 0 && !url.StartsWith("http://", StringComparison.Ordinal) && !url.StartsWith("https://", StringComparison.Ordinal))
        {
            return ("", NewsRejections.OnlyHttpUrls);
        }

        if (title.Length > options.TitleMaxLength)
        {
            return ("", NewsRejections.TitleTooLong(options.TitleMaxLength));
        }

        if (url.Length > options.UrlMaxLength)
        {
            return ("", NewsRejections.UrlTooLong(options.UrlMaxLength));
        }

        // When both are given the URL wins and the text is dropped, as in Lamernews.
        return url.Length != 0 ? (url, null) : (TextScheme + text[..Math.Min(text.Length, options.CommentMaxLength)], null);
    }

    public static bool IsTextUrl(string url) => url.StartsWith(TextScheme, StringComparison.Ordinal);
}
