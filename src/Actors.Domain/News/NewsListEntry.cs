namespace Actors.News;

/// <summary>
/// One news item as the <c>top</c> and <c>latest</c> lists hold it: what a list shows, plus where the ranking keeps it.
/// Compact on purpose (a live site holds one per news): no cached view, the author's name shared by all their news.
/// </summary>
public sealed class NewsListEntry
{
    public required long Id { get; init; }

    public required long UserId { get; init; }

    public required string Username { get; set; }

    /// <summary>Unix seconds.</summary>
    public required long CreatedAt { get; init; }

    public required string Title { get; set; }

    public required string Url { get; set; }

    public int Up { get; set; }

    public int Down { get; set; }

    public int Comments { get; set; }

    public bool Deleted { get; set; }

    /// <summary>The version of the news stream applied last (events are applied once each, in order).</summary>
    public long Version { get; set; }

    public double Score { get; set; }

    /// <summary>The rank at the second the top list was last ranked at (valid while <see cref="InTop"/> or merging).</summary>
    internal double Rank { get; set; }

    /// <summary>Older than the top-list age limit: ranked at minus its age, by age alone, so out of the score groups.</summary>
    internal bool Aged { get; set; }

    /// <summary>In the ranked prefix of the top list.</summary>
    internal bool InTop { get; set; }

    /// <summary>The view, with the end of the author's edit window (NewsEditTime, <paramref name="editTimeSeconds"/>).</summary>
    public NewsView View(int editTimeSeconds) => new(
        Id, Title, Url, UserId, Username, CreatedAt, Up, Down, Comments, Score, Deleted, NewsRules.EditableUntil(CreatedAt, Deleted, editTimeSeconds));
}

/// <summary>The orders of the lists. Each ends on the news id, so no two news are ever equal.</summary>
internal static class NewsOrder
{
    /// <summary><c>latest</c>: newest first; also the tie-break of equal ranks.</summary>
    public static readonly IComparer<NewsListEntry> NewestFirst = Comparer<NewsListEntry>.Create(CompareNewest);

    /// <summary>Within a score whose rank grows with age (a negative score): oldest first, equal times by id as above.</summary>
    public static readonly IComparer<NewsListEntry> OldestFirst = Comparer<NewsListEntry>.Create((a, b) =>
    {
        var byTime = a.CreatedAt.CompareTo(b.CreatedAt);
        return byTime != 0 ? byTime : b.Id.CompareTo(a.Id);
    });

    /// <summary><c>top</c>: highest rank first, equal ranks newest first.</summary>
    public static readonly IComparer<NewsListEntry> Top = Comparer<NewsListEntry>.Create((a, b) =>
    {
        var byRank = b.Rank.CompareTo(a.Rank);
        return byRank != 0 ? byRank : CompareNewest(a, b);
    });

    private static int CompareNewest(NewsListEntry a, NewsListEntry b)
    {
        var byTime = b.CreatedAt.CompareTo(a.CreatedAt);
        return byTime != 0 ? byTime : b.Id.CompareTo(a.Id);
    }
}
