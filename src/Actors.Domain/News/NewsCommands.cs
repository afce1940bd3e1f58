namespace Actors.News;

/// <summary>
/// What can be asked of one news item. A closed hierarchy: the private constructor keeps every command in this file,
/// so the decider's switch covers them all. Everything the decision needs besides the item's state rides on the
/// command, resolved by the grain beforehand: the time (<see cref="At"/>), the acting user's facts (username, admin
/// flag), and the settings it depends on (taken from <see cref="NewsOptions"/>).
/// </summary>
public abstract record NewsCommand
{
    private NewsCommand(DateTimeOffset at) => At = at;

    /// <summary>When the command is decided: the time its events carry and its time windows are measured at.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Create the item (its id already allocated, its URL already claimed).</summary>
    public sealed record Submit(long NewsId, long UserId, string Username, string Title, string Url, string Text, PostLimits Limits, DateTimeOffset At)
        : NewsCommand(At);

    /// <summary>
    /// Change title and link. A new link (not a text post's) is only taken when the grain holds the claim on it,
    /// <paramref name="ClaimedUrl"/> (see <see cref="NewsDecider.UrlToClaim"/>): even an edit may not take the link of a
    /// recently posted news.
    /// </summary>
    public sealed record Edit(
        long UserId, bool IsAdmin, string Title, string Url, string Text, string? ClaimedUrl, PostLimits Limits, int EditTimeSeconds, DateTimeOffset At)
        : NewsCommand(At);

    public sealed record Delete(long UserId, bool IsAdmin, int EditTimeSeconds, DateTimeOffset At) : NewsCommand(At);

    public sealed record Vote(long UserId, VoteDirection Direction, VotePrices Prices, DateTimeOffset At) : NewsCommand(At);

    /// <summary>Post a comment; <see cref="ParentId"/> is -1 for a top-level comment.</summary>
    public sealed record PostComment(long UserId, string Username, long ParentId, string Body, int MaxLength, DateTimeOffset At) : NewsCommand(At);

    public sealed record EditComment(long UserId, long CommentId, string Body, int MaxLength, int EditTimeSeconds, DateTimeOffset At) : NewsCommand(At);

    public sealed record DeleteComment(long UserId, long CommentId, int EditTimeSeconds, DateTimeOffset At) : NewsCommand(At);

    public sealed record VoteComment(long UserId, long CommentId, VoteDirection Direction, DateTimeOffset At) : NewsCommand(At);
}

/// <summary>
/// Ask whether an author may submit now: the submission break, decided on the author's submission path before a news id
/// is allocated or a URL claimed (<see cref="NewsDecider.DecideSubmissionBreak"/>). Its state is the time of the author's
/// last submission, which that path keeps in grain storage, not in an event stream.
/// </summary>
public sealed record StartSubmission(bool IsAdmin, int BreakSeconds, DateTimeOffset At);

/// <summary>The length limits of a news item (<see cref="NewsOptions"/>): a text post's body is cut to <paramref name="TextMaxLength"/>.</summary>
public readonly record struct PostLimits(int TitleMaxLength, int UrlMaxLength, int TextMaxLength)
{
    public static PostLimits Of(NewsOptions options) => new(options.TitleMaxLength, options.UrlMaxLength, options.CommentMaxLength);
}

/// <summary>What a vote on someone else's news needs and costs in karma, by direction, and what an up-vote earns the author.</summary>
public readonly record struct VotePrices(int UpMinKarma, int UpCost, int UpKarmaTransferred, int DownMinKarma, int DownCost)
{
    public static VotePrices Of(NewsOptions options) => new(
        options.NewsUpvoteMinKarma, options.NewsUpvoteKarmaCost, options.NewsUpvoteKarmaTransfered,
        options.NewsDownvoteMinKarma, options.NewsDownvoteKarmaCost);
}
