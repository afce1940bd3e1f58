namespace Actors.News;

/// <summary>
/// The rules of one news item and its comment thread, as pure functions: <see cref="Decide"/> answers every command on
/// an item, with the time and the settings it needs riding on the command. Karma is not decided here (it lives with the
/// user): <see cref="KarmaPrice"/> tells the grain what a vote costs before it is appended. The submission break belongs
/// to the author's path, not to an item: <see cref="DecideSubmissionBreak"/>.
/// </summary>
public static class NewsDecider
{
    public static NewsState Initial => NewsState.Initial;

    public static Decision<INewsEvent> Decide(NewsCommand command, NewsState state) =>
        command switch
        {
            NewsCommand.Submit c => Submit(c, state),
            NewsCommand.Edit c => Edit(c, state),
            NewsCommand.Delete c => Delete(c, state),
            NewsCommand.Vote c => Vote(c, state),
            NewsCommand.PostComment c => PostComment(c, state),
            NewsCommand.EditComment c => EditComment(c, state),
            NewsCommand.DeleteComment c => DeleteComment(c, state),
            NewsCommand.VoteComment c => VoteComment(c, state),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown news command."),
        };

    /// <summary>
    /// The submission break: after a submission an author waits NewsSubmissionBreakSeconds (counted in whole Unix
    /// seconds, as Lamernews does) before the next; admins never wait. Null when the author may submit;
    /// <paramref name="lastSubmittedAt"/> is null when they never did.
    /// </summary>
    public static Rejection? DecideSubmissionBreak(StartSubmission command, DateTimeOffset? lastSubmittedAt)
    {
        if (command.IsAdmin || lastSubmittedAt is not { } last)
        {
            return null;
        }

        var wait = last.ToUnixTimeSeconds() + command.BreakSeconds - command.At.ToUnixTimeSeconds();
        return wait > 0 ? NewsRejections.SubmittedTooRecently(wait) : null;
    }

    /// <summary>
    /// The karma a vote needs (minimum) and costs, or null when it needs none (a vote on one's own news).
    /// Only meaningful for a vote the decider accepts.
    /// </summary>
    public static (int Minimum, int Cost)? KarmaPrice(NewsCommand.Vote vote, NewsState state) =>
        vote.UserId == state.AuthorId
            ? null
            : vote.Direction == VoteDirection.Up
                ? (vote.Prices.UpMinKarma, vote.Prices.UpCost)
                : (vote.Prices.DownMinKarma, vote.Prices.DownCost);

    /// <summary>
    /// The link an edit moves the item to and must claim first (so that two edits cannot both take it, and no edit takes
    /// the link of a recently posted news), or null when the edit would be refused, keeps its link or moves to a text
    /// post. The claim comes before the decision that appends the edit, so this asks the same rule beforehand.
    /// </summary>
    public static string? UrlToClaim(NewsCommand.Edit c, NewsState state)
    {
        if (!MayChange(state, c.UserId, c.IsAdmin, c.EditTimeSeconds, c.At))
        {
            return null;
        }

        var (_, url, rejection) = NewsRules.Validate(c.Title, c.Url, c.Text, c.Limits);
        return rejection is null && NeedsClaim(url, state) ? url : null;
    }

    /// <summary>
    /// The item's edit window (<see cref="NewsRules.EditableUntil"/>): until when (Unix seconds, exclusive) its author may
    /// still edit or delete it; null once it is deleted.
    /// </summary>
    public static long? EditableUntil(NewsState state, int editTimeSeconds) =>
        NewsRules.EditableUntil(state.CreatedAt.ToUnixTimeSeconds(), state.Deleted, editTimeSeconds);

    private static bool NeedsClaim(string url, NewsState state) => url != state.Url && !NewsRules.IsTextUrl(url);

    private static Decision<INewsEvent> Submit(NewsCommand.Submit c, NewsState state)
    {
        var (title, url, rejection) = NewsRules.Validate(c.Title, c.Url, c.Text, c.Limits);
        if (rejection is not null)
        {
            return rejection;
        }

        if (state.Exists)
        {
            // A retried submission (same author, same content) is already done; anything else is an id clash.
            return state.AuthorId == c.UserId && state.Title == title && state.Url == url
                ? Decision<INewsEvent>.AlreadyDone
                : NewsRejections.AlreadyExists;
        }

        // The author's automatic up-vote goes through the normal vote path in Lamernews: up = 1, score 1, and the news
        // lands in the author's saved list. It earns the author nothing.
        return Decision<INewsEvent>.Accept(
            new NewsSubmitted(c.NewsId, c.UserId, c.Username, title, url, c.At),
            new NewsUpvoted(c.NewsId, c.UserId, c.UserId, 0, c.At));
    }

    private static Decision<INewsEvent> Edit(NewsCommand.Edit c, NewsState state)
    {
        if (!MayChange(state, c.UserId, c.IsAdmin, c.EditTimeSeconds, c.At))
        {
            return NewsRejections.EditRefused;
        }

        var (title, url, rejection) = NewsRules.Validate(c.Title, c.Url, c.Text, c.Limits);
        if (rejection is not null)
        {
            return rejection;
        }

        if (state.Title == title && state.Url == url)
        {
            return Decision<INewsEvent>.AlreadyDone;
        }

        // The same sentence as Lamernews' for a link recently posted: the grain could not claim it.
        return NeedsClaim(url, state) && c.ClaimedUrl != url
            ? NewsRejections.EditRefused
            : new NewsEdited(state.Id, c.UserId, title, url, c.At);
    }

    private static Decision<INewsEvent> Delete(NewsCommand.Delete c, NewsState state)
    {
        if (state.Exists && state.Deleted && (state.AuthorId == c.UserId || c.IsAdmin))
        {
            return Decision<INewsEvent>.AlreadyDone;
        }

        return MayChange(state, c.UserId, c.IsAdmin, c.EditTimeSeconds, c.At)
            ? new NewsDeleted(state.Id, c.UserId, c.At)
            : NewsRejections.DeleteRefused;
    }

    /// <summary>The author within the edit window (<see cref="NewsRules.EditableUntil"/>), or an admin at any time; never a deleted item.</summary>
    private static bool MayChange(NewsState state, long userId, bool isAdmin, int editTimeSeconds, DateTimeOffset at) =>
        state.Exists
        && !state.Deleted
        && (isAdmin || (state.AuthorId == userId && NewsRules.IsEditableAt(EditableUntil(state, editTimeSeconds), at)));

    private static Decision<INewsEvent> Vote(NewsCommand.Vote c, NewsState state)
    {
        if (!state.Exists)
        {
            return NewsRejections.NoSuchNews;
        }

        if (state.Deleted)
        {
            return NewsRejections.NewsDeleted;
        }

        if (state.HasVoted(c.UserId))
        {
            return NewsRejections.DuplicatedVote;
        }

        return c.Direction == VoteDirection.Up
            ? new NewsUpvoted(state.Id, c.UserId, state.AuthorId, c.UserId == state.AuthorId ? 0 : c.Prices.UpKarmaTransferred, c.At)
            : new NewsDownvoted(state.Id, c.UserId, state.AuthorId, c.At);
    }

    private static Decision<INewsEvent> PostComment(NewsCommand.PostComment c, NewsState state)
    {
        if (!state.Exists)
        {
            return NewsRejections.InvalidComment;
        }

        if (state.Deleted)
        {
            return NewsRejections.NewsDeleted;
        }

        // Stored without what XML and HTML cannot carry (tabs and line breaks stay).
        var body = NewsRules.CleanText(c.Body);
        if (body.Length == 0)
        {
            return NewsRejections.EmptyComment;
        }

        if (body.Length > c.MaxLength)
        {
            return NewsRejections.CommentTooLong(c.MaxLength);
        }

        long? parentAuthor = null;
        if (c.ParentId != -1)
        {
            if (!state.Comments.TryGetValue(c.ParentId, out var parent))
            {
                return NewsRejections.InvalidComment;
            }

            parentAuthor = parent.AuthorId;
        }

        return new CommentPosted(state.Id, state.LastCommentId + 1, c.ParentId, c.UserId, c.Username, body, parentAuthor, c.At);
    }

    private static Decision<INewsEvent> EditComment(NewsCommand.EditComment c, NewsState state)
    {
        if (CheckAuthorChange(state, c.UserId, c.CommentId, c.EditTimeSeconds, c.At) is { } refused)
        {
            return refused;
        }

        var comment = state.Comments[c.CommentId];
        if (comment.Deleted)
        {
            // Lamernews would undelete the old body here; this project refuses.
            return NewsRejections.InvalidComment;
        }

        var body = NewsRules.CleanText(c.Body);
        if (body.Length == 0)
        {
            return NewsRejections.EmptyComment;
        }

        if (body.Length > c.MaxLength)
        {
            return NewsRejections.CommentTooLong(c.MaxLength);
        }

        return comment.Body == body ? Decision<INewsEvent>.AlreadyDone : new CommentEdited(state.Id, c.CommentId, c.UserId, body, c.At);
    }

    private static Decision<INewsEvent> DeleteComment(NewsCommand.DeleteComment c, NewsState state)
    {
        if (CheckAuthorChange(state, c.UserId, c.CommentId, c.EditTimeSeconds, c.At) is { } refused)
        {
            return refused;
        }

        return state.Comments[c.CommentId].Deleted
            ? Decision<INewsEvent>.AlreadyDone
            : new CommentDeleted(state.Id, c.CommentId, c.UserId, c.At);
    }

    /// <summary>Only the author, only within CommentEditTime, only while the news is live.</summary>
    private static Rejection? CheckAuthorChange(NewsState state, long userId, long commentId, int editTimeSeconds, DateTimeOffset at)
    {
        if (!state.Exists)
        {
            return NewsRejections.InvalidComment;
        }

        if (state.Deleted)
        {
            return NewsRejections.NewsDeleted;
        }

        if (!state.Comments.TryGetValue(commentId, out var comment)
            || comment.AuthorId != userId
            || NewsRanking.AgeSeconds(comment.CreatedAt, at) >= editTimeSeconds)
        {
            return NewsRejections.InvalidComment;
        }

        return null;
    }

    private static Decision<INewsEvent> VoteComment(NewsCommand.VoteComment c, NewsState state)
    {
        if (!state.Exists || !state.Comments.TryGetValue(c.CommentId, out var comment) || comment.Deleted)
        {
            return NewsRejections.CommentVoteRefused;
        }

        if (state.Deleted)
        {
            return NewsRejections.NewsDeleted;
        }

        if (comment.HasVoted(c.UserId))
        {
            return NewsRejections.CommentVoteRefused;
        }

        return c.Direction == VoteDirection.Up
            ? new CommentUpvoted(state.Id, c.CommentId, c.UserId, c.At)
            : new CommentDownvoted(state.Id, c.CommentId, c.UserId, c.At);
    }

    public static NewsState Evolve(NewsState state, INewsEvent @event) =>
        @event switch
        {
            NewsSubmitted e => state with
            {
                Exists = true,
                Id = e.NewsId,
                AuthorId = e.UserId,
                Username = e.Username,
                Title = e.Title,
                Url = e.Url,
                CreatedAt = e.At,
            },
            NewsEdited e => state with { Title = e.Title, Url = e.Url },
            NewsDeleted => state with { Deleted = true },
            NewsUpvoted e => state with { Upvoters = state.Upvoters.Add(e.VoterId) },
            NewsDownvoted e => state with { Downvoters = state.Downvoters.Add(e.VoterId) },
            CommentPosted e => state with
            {
                LastCommentId = Math.Max(state.LastCommentId, e.CommentId),
                Comments = state.Comments.SetItem(
                    e.CommentId,
                    new CommentState(e.CommentId, e.ParentId, e.UserId, e.Username, e.Body, e.At, false, [e.UserId], [])),
            },
            CommentEdited e => UpdateComment(state, e.CommentId, c => c with { Body = e.Body }),
            CommentDeleted e => UpdateComment(state, e.CommentId, c => c with { Deleted = true }),
            CommentUpvoted e => UpdateComment(state, e.CommentId, c => c with { Upvoters = c.Upvoters.Add(e.VoterId) }),
            CommentDownvoted e => UpdateComment(state, e.CommentId, c => c with { Downvoters = c.Downvoters.Add(e.VoterId) }),
            _ => state,
        };

    private static NewsState UpdateComment(NewsState state, long commentId, Func<CommentState, CommentState> change) =>
        state.Comments.TryGetValue(commentId, out var comment)
            ? state with { Comments = state.Comments.SetItem(commentId, change(comment)) }
            : state;
}
