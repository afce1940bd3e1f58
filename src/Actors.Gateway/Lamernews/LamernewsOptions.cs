namespace Actors.Gateway.Lamernews;

/// <summary>How the <c>/api/*</c> routes speak to clients written for Lamernews (section <c>Lamernews</c>).</summary>
public sealed class LamernewsOptions
{
    public const string Section = "Lamernews";

    /// <summary>
    /// Lamernews' own field types, for typed clients generated from its API description (badsyntax/lamernews-api-client's
    /// OpenAPI schema): a news item's <c>id</c>, <c>ctime</c>, <c>up</c>, <c>down</c> and <c>comments</c> as JSON strings
    /// (Lamernews reads them from Redis hashes), and <c>postcomment</c>'s <c>news_id</c> and <c>parent_id</c> echoed as
    /// sent. Off by default: numbers are JSON numbers (the decisions table).
    /// </summary>
    public bool StringFields { get; set; }
}
