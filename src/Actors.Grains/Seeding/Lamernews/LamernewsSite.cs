namespace Actors.Seeding.Lamernews;

/// <summary>
/// A Lamernews / Echo JS site as read from its Redis (the key layout of the reference's "Redis data model"), before it
/// becomes events. Times are Unix seconds, as Lamernews stores them. Whatever could not be read is in
/// <see cref="Skipped"/>, one sentence each (key and reason), and the rest goes on.
/// </summary>
public sealed class LamernewsSite
{
    /// <summary><c>users.count</c>: the last user id handed out (new users here get ids after it).</summary>
    public long UsersCount { get; set; }

    /// <summary><c>news.count</c>: the last news id handed out (new news here get ids after it).</summary>
    public long NewsCount { get; set; }

    public List<LamernewsUser> Users { get; } = [];

    public List<LamernewsNews> News { get; } = [];

    /// <summary><c>user.saved:&lt;id&gt;</c>: the news ids each user saved (Lamernews saves what a user up-votes).</summary>
    public Dictionary<long, List<long>> Saved { get; } = [];

    /// <summary>What the reader could not take, and why.</summary>
    public List<string> Skipped { get; } = [];
}

/// <summary>Hash <c>user:&lt;id&gt;</c>. <see cref="Salt"/> and <see cref="PasswordHex"/> are Lamernews' PBKDF2 inputs and output.</summary>
public sealed record LamernewsUser(
    long Id,
    string Username,
    string Salt,
    string PasswordHex,
    long CreatedAt,
    int Karma,
    string About,
    string Email,
    string AuthToken,
    string ApiSecret,
    string Flags,
    long KarmaIncrementedAt,
    int Replies);

/// <summary>A vote: member of <c>news.up:&lt;id&gt;</c> / <c>news.down:&lt;id&gt;</c> with its time as score.</summary>
public sealed record LamernewsVote(long UserId, long At);

/// <summary>One field of <c>thread:comment:&lt;news id&gt;</c> (its JSON).</summary>
public sealed record LamernewsComment(
    long Id,
    long ParentId,
    long UserId,
    string Body,
    long CreatedAt,
    bool Deleted,
    IReadOnlyList<long> Up,
    IReadOnlyList<long> Down);

/// <summary>Hash <c>news:&lt;id&gt;</c> with its votes and comment thread. <see cref="Url"/> is <c>text://...</c> for a text post.</summary>
public sealed record LamernewsNews(
    long Id,
    string Title,
    string Url,
    long UserId,
    long CreatedAt,
    bool Deleted,
    IReadOnlyList<LamernewsVote> Up,
    IReadOnlyList<LamernewsVote> Down,
    IReadOnlyList<LamernewsComment> Comments);
