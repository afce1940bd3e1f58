namespace Actors.Seeding;

/// <summary>
/// One thing that happened on a news site, as a user did it (not yet the events it causes): the vocabulary shared by
/// whatever produces a site's history (the generator; an importer of another site) and <see cref="SiteReplayer"/>,
/// which turns it into the events the grains would have recorded. Ids are dense and handed out in time order, as the
/// site's allocators would have: users 1..U, news 1..N.
/// </summary>
public abstract record SiteAction(DateTimeOffset At);

/// <summary>A user registered (user 1 becomes the administrator).</summary>
public sealed record UserRegistered(long UserId, string Username, DateTimeOffset At) : SiteAction(At);

/// <summary>A user submitted a news item: a link, or a text post when <paramref name="Url"/> is empty.</summary>
public sealed record NewsPosted(long NewsId, long UserId, string Title, string Url, string Text, DateTimeOffset At) : SiteAction(At);

/// <summary>A user voted on a news item (possibly refused when the site replays it: not enough karma, deleted news).</summary>
public sealed record NewsVoted(long NewsId, long UserId, bool Up, DateTimeOffset At) : SiteAction(At);

/// <summary>A user commented on a news item; <paramref name="ParentId"/> is -1 at the top level, else a comment id of that news.</summary>
public sealed record CommentWritten(long NewsId, long UserId, long ParentId, string Body, DateTimeOffset At) : SiteAction(At);

/// <summary>The author deleted a news item.</summary>
public sealed record NewsRemoved(long NewsId, long UserId, DateTimeOffset At) : SiteAction(At);
