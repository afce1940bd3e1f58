using System.Collections.Immutable;

namespace Actors.News;

/// <summary>
/// The rules of one news item and its comment thread, as pure functions. Time comes in as data; karma is not decided
/// here (it lives with the user) — <see cref="KarmaPrice"/> tells the grain what a vote costs before it is appended.
/// </summary>
public static class NewsDecider
{
    public static NewsState Initial => NewsState.Initial;

    public static Decision<INewsEvent> Decide(NewsCommand command, NewsState state, DateTimeOffset now, NewsOptions options) =>
        command switch
        {
            NewsCommand.Submit c => Submit(c, state, now, options),
            NewsCommand.Edit c => Edit(c, state, now, options),
            NewsCommand.Delete c => Delete(c, state, now, options),
            NewsCommand.Vote c => Vote(c, state, now, options),
            NewsCommand.PostComment c => PostComment(c, state, now, options),
            NewsCommand.EditComment c => EditComment(c, state, now, options),
            NewsCommand.DeleteComment c => DeleteComment(c, state, now, options),
            NewsCommand.VoteComment c => VoteComment(c, state, now),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown news command."),
        };

    /// <summary>
    /// The karma a vote needs (minimum) and costs, or null when it needs none (a vote on one's own news).
    /// Only meaningful for a vote the decider accepts.
    /// </summary>
    public static (int Minimum, int Cost)? KarmaPrice(NewsCommand.Vote vote, NewsState state, NewsOptions options) =>
        vote.UserId == state.AuthorId
            ? null
            : vote.Direction == VoteDirection.Up
                ? (options.NewsUpvoteMinKarma, options.NewsUpvoteKarmaCost)
                : (options.NewsDownvoteMinKarma, options.NewsDownvoteKarmaCost);

    private static Decision<INewsEvent> Submit(NewsCommand.Submit c, NewsState state, DateTimeOffset now, NewsOptions options)
    {
        var (url, rejection) = NewsRules.Validate(c.Title, c.Url, c.Text, options);
        if (rejection is not null)
        {
            return rejection;
        }

        if (state.Exists)
        {
            // A retried submission (same author, same content) is already done; anything else is an id clash.
            return state.AuthorId == c.UserId && state.Title == c.Title && state.Url == url
                ? Decision<INewsEvent>.AlreadyDone
                : NewsRejections.AlreadyExists;
        }

        // The author's automatic up-vote goes through the normal vote path in Lamernews: up = 1, score 1, and the news
        // lands in the author's saved list. It earns the author nothing.
        return Decision<INewsEvent>.Accept(
            new NewsSubmitted(c.NewsId, c.UserId, c.Username, c.Title, url, now),
            new NewsUpvoted(c.NewsId, c.UserId, c.UserId, 0, now));
    }

    private static Decision<INewsEvent> Edit(NewsCommand.Edit c, NewsState state, DateTimeOffset now, NewsOptions options)
    {
        if (!MayChange(state, c.UserId, c.IsAdmin, now, options))
        {
            return NewsRejections.EditRefused;
        }

        var (url, rejection) = NewsRules.Validate(c.Title, c.Url, c.Text, options);
        if (rejection is not null)
        {
            return rejection;
        }

        return state.Title == c.Title && state.Url == url
            ? Decision<INewsEvent>.AlreadyDone
            : new NewsEdited(state.Id, c.UserId, c.Title, url, now);
    }

    private static Decision<INewsEvent> Delete(NewsCommand.Delete c, NewsState state, DateTimeOffset now, NewsOptions options)
    {
        if (state.Exists && state.Deleted && (state.AuthorId == c.UserId || c.IsAdmin))
        {
            return Decision<INewsEvent>.AlreadyDone;
        }

        return MayChange(state, c.UserId, c.IsAdmin, now, options)
            ? new NewsDeleted(state.Id, c.UserId, now)
            : NewsRejections.DeleteRefused;
    }

    /// <summary>The author within NewsEditTime, or an admin at any time; never a deleted item.</summary>
    private static bool MayChange(NewsState state, long userId, bool isAdmin, DateTimeOffset now, NewsOptions options) =>
        state.Exists
        && !state.Deleted
        && (isAdmin || (state.AuthorId == userId && NewsRanking.AgeSeconds(state.CreatedAt, now) < options.NewsEditTimeSeconds));

    private static Decision<INewsEvent> Vote(NewsCommand.Vote c, NewsState state, DateTimeOffset now, NewsOptions options)
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
            ? new NewsUpvoted(state.Id, c.UserId, state.AuthorId, c.UserId == state.AuthorId ? 0 : options.NewsUpvoteKarmaTransfered, now)
            : new NewsDownvoted(state.Id, c.UserId, state.AuthorId, now);
    }

    private static Decision<INewsEvent> PostComment(NewsCommand.PostComment c, NewsState state, DateTimeOffset now, NewsOptions options)
    {
        if (!state.Exists)
        {
            return NewsRejections.InvalidComment;
        }

        if (state.Deleted)
        {
            return NewsRejections.NewsDeleted;
        }

        if (c.Body.Length == 0)
        {
            return NewsRejections.EmptyComment;
        }

        if (c.Body.Length > options.CommentMaxLength)
        {
            return NewsRejections.CommentTooLong(options.CommentMaxLength);
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

        return new CommentPosted(state.Id, state.LastCommentId + 1, c.ParentId, c.UserId, c.Username, c.Body, parentAuthor, now);
    }

    private static Decision<INewsEvent> EditComment(NewsCommand.EditComment c, NewsState state, DateTimeOffset now, NewsOptions options)
    {
        if (CheckAuthorChange(state, c.UserId, c.CommentId, now, options) is { } refused)
        {
            return refused;
        }

        var comment = state.Comments[c.CommentId];
        if (comment.Deleted)
        {
            // Lamernews would undelete the old body here; this project refuses.
            return NewsRejections.InvalidComment;
        }

        if (c.Body.Length == 0)
        {
            return NewsRejections.EmptyComment;
        }

        if (c.Body.Length > options.CommentMaxLength)
        {
            return NewsRejections.CommentTooLong(options.CommentMaxLength);
        }

        return comment.Body == c.Body ? Decision<INewsEvent>.AlreadyDone : new CommentEdited(state.Id, c.CommentId, c.UserId, c.Body, now);
    }

    private static Decision<INewsEvent> DeleteComment(NewsCommand.DeleteComment c, NewsState state, DateTimeOffset now, NewsOptions options)
    {
        if (CheckAuthorChange(state, c.UserId, c.CommentId, now, options) is { } refused)
        {
            return refused;
        }

        return state.Comments[c.CommentId].Deleted
            ? Decision<INewsEvent>.AlreadyDone
            : new CommentDeleted(state.Id, c.CommentId, c.UserId, now);
    }

    /// <summary>Only the author, only within CommentEditTime, only while the news is live.</summary>
    private static Rejection? CheckAuthorChange(NewsState state, long userId, long commentId, DateTimeOffset now, NewsOptions options)
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
            || NewsRanking.AgeSeconds(comment.CreatedAt, now) >= options.CommentEditTimeSeconds)
        {
            return NewsRejections.InvalidComment;
        }

        return null;
    }

    private static Decision<INewsEvent> VoteComment(NewsCommand.VoteComment c, NewsState state, DateTimeOffset now)
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
            ? new CommentUpvoted(state.Id, c.CommentId, c.UserId, now)
            : new CommentDownvoted(state.Id, c.CommentId, c.UserId, now);
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
