namespace Actors.News;

/// <summary>
/// The rejections of the news slice. Messages are the Lamernews sentences (the API shows them verbatim); the ones
/// Lamernews lacks belong to rules this project added (see the decisions table of the reference).
/// </summary>
public static class NewsRejections
{
    public static readonly Rejection TitleAndUrlOrTextRequired =
        new("news.title-and-url-or-text-required", "Please specify a news title and address or text.");

    public static readonly Rejection OnlyHttpUrls = new("news.only-http-urls", "We only accept http:// and https:// news.");

    public static Rejection TitleTooLong(int max) => new("news.title-too-long", $"The title is too long, max {max} characters.");

    public static Rejection UrlTooLong(int max) => new("news.url-too-long", $"The URL is too long, max {max} characters.");

    public static Rejection SubmittedTooRecently(long seconds) =>
        new("news.submitted-too-recently", $"You have submitted a story too recently, please wait {seconds} seconds.");

    public static readonly Rejection EditRefused =
        new("news.edit-refused", "Invalid parameters, news too old to be modified or url recently posted.");

    public static readonly Rejection DeleteRefused = new("news.delete-refused", "News too old or wrong ID/owner.");

    public static readonly Rejection NoSuchNews = new("news.not-found", "No such news or user.");

    public static readonly Rejection NewsDeleted = new("news.deleted", "This news was deleted.");

    public static readonly Rejection DuplicatedVote = new("news.duplicated-vote", "Duplicated vote.");

    public static Rejection NotEnoughKarma(VoteDirection direction) =>
        new("news.not-enough-karma", $"You don't have enough karma to vote {(direction == VoteDirection.Up ? "up" : "down")}");

    public static readonly Rejection InvalidComment = new("news.invalid-comment", "Invalid news, comment, or edit time expired.");

    public static readonly Rejection EmptyComment = new("news.empty-comment", "The comment is empty.");

    public static Rejection CommentTooLong(int max) => new("news.comment-too-long", $"The comment is too long, max {max} characters.");

    public static readonly Rejection CommentVoteRefused = new("news.comment-vote-refused", "Invalid parameters or duplicated vote.");

    public static readonly Rejection AlreadyExists = new("news.already-exists", "A news with this id already exists.");
}
