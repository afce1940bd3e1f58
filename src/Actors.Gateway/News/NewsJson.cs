using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Actors.News;

namespace Actors.Gateway.News;

/// <summary>
/// JSON of the news read routes, written directly (the front page is the hottest path of the site). Numbers are JSON
/// numbers (the decisions table), or with <c>Lamernews:StringFields</c> a news item's numbers are strings as Lamernews
/// writes them; Lamernews' field names either way. An anonymous page is written once per page object (and mode): the
/// ranking grain hands out the same immutable page until the list changes.
/// </summary>
internal static class NewsJson
{
    private const int MaxThreadDepth = 200;

    private static readonly ConditionalWeakTable<NewsPage, byte[]> AnonymousPages = new();
    private static readonly ConditionalWeakTable<NewsPage, byte[]> AnonymousStringPages = new();

    public static IResult Page(NewsPage page, IReadOnlyDictionary<long, VoteDirection>? votes, bool strings = false)
    {
        if (votes is null)
        {
            var bytes = strings
                ? AnonymousStringPages.GetValue(page, p => Write(p, null, strings: true))
                : AnonymousPages.GetValue(page, p => Write(p, null, strings: false));
            return Results.Bytes(bytes, "application/json");
        }

        return Results.Bytes(Write(page, votes, strings), "application/json");
    }

    private static byte[] Write(NewsPage page, IReadOnlyDictionary<long, VoteDirection>? votes, bool strings)
    {
        var buffer = new ArrayBufferWriter<byte>(512 + (page.Items.Count * 256));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", "ok");
            json.WriteStartArray("news");
            foreach (var news in page.Items)
            {
                WriteNews(json, news, votes is not null && votes.TryGetValue(news.Id, out var vote) ? vote : null, strings);
            }

            json.WriteEndArray();
            json.WriteNumber("count", page.Total);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNews(Utf8JsonWriter json, NewsView news, VoteDirection? voted, bool strings)
    {
        json.WriteStartObject();
        Number(json, "id", news.Id, strings);
        json.WriteString("title", news.Title);
        json.WriteString("url", news.Url);
        Number(json, "ctime", news.CreatedAt, strings);
        Number(json, "up", news.Up, strings);
        Number(json, "down", news.Down, strings);
        Number(json, "comments", news.Comments, strings);
        json.WriteString("username", news.Username);
        if (voted is { } v)
        {
            json.WriteString("voted", v == VoteDirection.Up ? "up" : "down");
        }

        json.WriteEndObject();
    }

    /// <summary>A number as a JSON number, or as Lamernews' string of its digits.</summary>
    private static void Number(Utf8JsonWriter json, string name, long value, bool asString)
    {
        if (asString)
        {
            Span<byte> digits = stackalloc byte[20];
            value.TryFormat(digits, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
            json.WriteString(name, digits[..written]);
        }
        else
        {
            json.WriteNumber(name, value);
        }
    }

    /// <summary>
    /// The comment tree: top-level comments, each with its <c>replies</c>, in the order they were posted. A deleted
    /// comment keeps its place (its replies stay reachable) with <c>"del":1</c> and no body.
    /// </summary>
    public static IResult Comments(CommentThreadView thread)
    {
        var children = thread.Comments.ToLookup(c => c.ParentId);
        var buffer = new ArrayBufferWriter<byte>(256 + (thread.Comments.Count * 256));
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = 1024 }))
        {
            json.WriteStartObject();
            json.WriteString("status", "ok");
            json.WriteStartArray("comments");
            foreach (var comment in children[-1])
            {
                WriteComment(json, comment, children, depth: 0);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Results.Bytes(buffer.WrittenSpan.ToArray(), "application/json");
    }

    private static void WriteComment(Utf8JsonWriter json, CommentView comment, ILookup<long, CommentView> children, int depth)
    {
        json.WriteStartObject();
        if (!comment.Deleted)
        {
            json.WriteString("body", comment.Body);
        }

        json.WriteNumber("ctime", comment.CreatedAt);
        json.WriteNumber("up", comment.Up);
        json.WriteNumber("down", comment.Down);
        json.WriteString("username", comment.Username);
        if (comment.Voted is { } v)
        {
            json.WriteString("voted", v == VoteDirection.Up ? "up" : "down");
        }

        if (comment.Deleted)
        {
            json.WriteNumber("del", 1);
        }

        json.WriteStartArray("replies");
        // Parents always have smaller ids than their replies, so the tree has no cycles; the depth guard keeps the
        // writer and the stack safe from an absurdly deep thread (deeper replies are left out of this answer).
        if (depth < MaxThreadDepth)
        {
            foreach (var reply in children[comment.Id])
            {
                WriteComment(json, reply, children, depth + 1);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
