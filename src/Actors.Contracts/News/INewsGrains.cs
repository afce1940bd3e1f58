using Actors.EventSourcing;

namespace Actors.News;

/// <summary>
/// One news item and its comment thread (keyed by news id). Commands take the acting user's id; the grain asks the
/// users slice for what it needs to know about that user (admin flag, username), so callers cannot claim either.
/// </summary>
[Alias("actors.news.INewsGrain")]
public interface INewsGrain : IGrainWithIntegerKey
{
    /// <summary>Creates the item. Called by <see cref="INewsAuthorGrain"/> once the id is allocated and the URL claimed.</summary>
    Task<NewsCommandResult> Submit(long userId, string username, string title, string url, string text);

    /// <summary>Changes title and URL/text (author within the edit window, or an admin).</summary>
    Task<NewsCommandResult> Edit(long userId, string title, string url, string text);

    /// <summary>Deletes the item (author within the edit window, or an admin).</summary>
    Task<NewsCommandResult> Delete(long userId);

    /// <summary>One vote per user, in either direction; voting someone else's news costs karma.</summary>
    Task<NewsCommandResult> Vote(long userId, VoteDirection direction);

    /// <summary>Posts a comment (<paramref name="parentId"/> -1 for top level); answers the new comment id.</summary>
    Task<NewsCommandResult> PostComment(long userId, long parentId, string body);

    /// <summary>Replaces a comment's body, or deletes it when <paramref name="body"/> is empty (the Lamernews convention).</summary>
    Task<NewsCommandResult> EditComment(long userId, long commentId, string body);

    /// <summary>One vote per user per comment, in either direction.</summary>
    Task<NewsCommandResult> VoteComment(long userId, long commentId, VoteDirection direction);

    /// <summary>The item, or null when it does not exist.</summary>
    Task<NewsView?> Get();

    /// <summary>The item and its comments (with <paramref name="viewerId"/>'s votes), or null when it does not exist.</summary>
    Task<CommentThreadView?> GetThread(long? viewerId);
}

/// <summary>
/// The submissions of one user (keyed by user id): enforces the submission break and the duplicate-URL guard, allocates
/// the id and creates the news item. One grain per user serialises that user's submissions.
/// </summary>
[Alias("actors.news.INewsAuthorGrain")]
public interface INewsAuthorGrain : IGrainWithIntegerKey
{
    /// <summary>Submits a news item; answers its id (the existing id when the URL was posted recently).</summary>
    Task<NewsCommandResult> Submit(string title, string url, string text);
}

/// <summary>The read side of the news lists, fed by the news event streams and served from memory.</summary>
[Alias("actors.news.INewsRankingGrain")]
public interface INewsRankingGrain : IGrainWithIntegerKey
{
    /// <summary>Applies one recorded news event. Idempotent by (stream, version).</summary>
    Task Apply(RecordedEvent recorded);

    /// <summary>
    /// Applies <paramref name="recorded"/> in order, each as <see cref="Apply"/>: one call for what the feed received in
    /// one delivery (under load, many events per call instead of a call per event).
    /// </summary>
    Task ApplyMany(IReadOnlyList<RecordedEvent> recorded);

    /// <summary>Live news by rank, computed for the current second.</summary>
    Task<NewsPage> GetTop(int start, int count);

    /// <summary>
    /// Applies <paramref name="recent"/> (each idempotent by (stream, version), as <see cref="Apply"/>) and answers
    /// <see cref="GetTop"/> in the same turn: one call, and the page is sure to include those events whichever of the
    /// feed and the caller heard them first (the live top-list pushes use it).
    /// </summary>
    Task<NewsPage> ApplyAndGetTop(IReadOnlyList<RecordedEvent> recent, int start, int count);

    /// <summary>Live news, newest first.</summary>
    Task<NewsPage> GetLatest(int start, int count);

    /// <summary>The views of <paramref name="ids"/> (deleted ones included, unknown ones left out), in the order asked.</summary>
    Task<IReadOnlyList<NewsView>> GetMany(IReadOnlyList<long> ids);

    /// <summary>Whether the lists hold every one of <paramref name="written"/> (each news at least at its version).</summary>
    Task<bool> HasApplied(IReadOnlyList<NewsWritten> written);
}

/// <summary>
/// What one user did on the news site (keyed by user id): news posted, news up-voted ("saved"), votes, comments.
/// Fed by the news event streams.
/// </summary>
[Alias("actors.news.IUserNewsGrain")]
public interface IUserNewsGrain : IGrainWithIntegerKey
{
    /// <summary>Applies one recorded news event that concerns this user. Idempotent.</summary>
    Task Apply(RecordedEvent recorded);

    /// <summary>Applies several, in order (as <see cref="Apply"/> each): one call for a user's history written in bulk.</summary>
    Task ApplyMany(IReadOnlyList<RecordedEvent> recorded);

    /// <summary>Ids of news the user posted, newest first.</summary>
    Task<NewsIdPage> GetPosted(int start, int count);

    /// <summary>Ids of news the user up-voted, newest vote first.</summary>
    Task<NewsIdPage> GetSaved(int start, int count);

    /// <summary>The user's comments, newest first.</summary>
    Task<CommentRefPage> GetComments(int start, int count);

    /// <summary>The user's votes on <paramref name="newsIds"/> (news not voted are left out).</summary>
    Task<IReadOnlyDictionary<long, VoteDirection>> GetVotes(IReadOnlyList<long> newsIds);

    /// <summary>Whether this user's lists hold the facts of <paramref name="written"/> (writes of this user).</summary>
    Task<bool> HasApplied(IReadOnlyList<NewsWritten> written);
}
