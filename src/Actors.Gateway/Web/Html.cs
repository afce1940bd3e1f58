using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Actors.News;

namespace Actors.Gateway.Web;

/// <summary>Small HTML helpers. Every piece of user text goes through <see cref="E"/>; links in user text get nofollow.</summary>
internal static partial class Html
{
    /// <summary>
    /// HTML-escapes text for element content and quoted attribute values (and the RSS feed's XML), without the
    /// characters neither can carry: text stored before the news rules cleaned it must not break a page or the feed.
    /// </summary>
    public static string E(string? text) => WebUtility.HtmlEncode(NewsRules.CleanText(text ?? ""));

    /// <summary>
    /// Escaped text with its URLs turned into links, as Lamernews' <c>urls_to_links</c>: <c>http://</c>, <c>https://</c>
    /// and <c>www.</c> (which gets <c>http://</c>), a trailing dot stays outside, every link is <c>rel="nofollow"</c>.
    /// The matching runs on the escaped text, so no markup of the user's can get through.
    /// </summary>
    public static string Linkify(string? text) => UrlPattern().Replace(E(text), match =>
    {
        var url = match.Value;
        var trail = "";
        if (url.EndsWith('.'))
        {
            url = url[..^1];
            trail = ".";
        }

        var href = url.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? "http://" + url : url;
        return $"<a href=\"{href}\" rel=\"nofollow\">{url}</a>{trail}";
    });

    /// <summary>"now", "5 minutes ago", "1 day ago" (largest of day/hour/minute/second).</summary>
    public static string Ago(long unixSeconds, long now)
    {
        var seconds = Math.Max(0, now - unixSeconds);
        if (seconds < 2)
        {
            return "now";
        }

        var (value, unit) = seconds switch
        {
            >= 86400 => (seconds / 86400, "day"),
            >= 3600 => (seconds / 3600, "hour"),
            >= 60 => (seconds / 60, "minute"),
            _ => (seconds, "second"),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{value} {unit}{(value > 1 ? "s" : "")} ago");
    }

    /// <summary>The host shown next to a news title ("at example.com"), or empty for text posts.</summary>
    public static string Domain(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.Host : "";

    public static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    // Escaped text contains no quotes or angle brackets (they became entities); '&' only as an entity, of which
    // '&amp;' (a query string) belongs to the URL and any other ends it.
    [GeneratedRegex(@"((https?://|www\.)(?:[^\s&<>""']|&amp;)+)", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPattern();
}
