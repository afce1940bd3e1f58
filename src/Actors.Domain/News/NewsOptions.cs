namespace Actors.News;

/// <summary>
/// Every Lamernews constant (app_config.rb), with the same default. Bound from the <c>News</c> configuration
/// section, so <c>News__UserCreationDelaySeconds=0</c> switches the per-IP account limit off.
/// Deciders receive the values they need as data.
/// </summary>
public sealed class NewsOptions
{
    public string SiteName { get; set; } = "Lamer News";
    public string SiteUrl { get; set; } = "http://lamernews.com";
    public string SiteDescription { get; set; } = "Programming News";

    public int PasswordMinLength { get; set; } = 8;
    public int CommentMaxLength { get; set; } = 4096;
    public int TitleMaxLength { get; set; } = 200;

    /// <summary>Not a Lamernews constant: bounds the URL of a news item (Lamernews has no limit).</summary>
    public int UrlMaxLength { get; set; } = 2048;
    public int CommentEditTimeSeconds { get; set; } = 7200;
    public int CommentReplyShift { get; set; } = 60;
    public int UserCommentsPerPage { get; set; } = 10;
    public int SubthreadsInRepliesPage { get; set; } = 10;

    public int UserInitialKarma { get; set; } = 1;
    public int KarmaIncrementIntervalSeconds { get; set; } = 3600;
    public int KarmaIncrementAmount { get; set; } = 1;
    public int NewsUpvoteMinKarma { get; set; } = 1;
    public int NewsUpvoteKarmaCost { get; set; } = 1;
    public int NewsUpvoteKarmaTransfered { get; set; } = 1;
    public int NewsDownvoteMinKarma { get; set; } = 30;
    public int NewsDownvoteKarmaCost { get; set; } = 6;
    public int KarmaIncrementComment { get; set; } = 1;

    public bool KeyboardNavigation { get; set; } = true;
    public int UserCreationDelaySeconds { get; set; } = 86400;
    public int PasswordResetDelaySeconds { get; set; } = 86400;
    public string UsernameRegexp { get; set; } = "^[a-zA-Z][a-zA-Z0-9_\\-]+$";

    public int NewsAgePaddingSeconds { get; set; } = 28800;
    public int TopNewsPerPage { get; set; } = 30;
    public int LatestNewsPerPage { get; set; } = 100;
    public int NewsEditTimeSeconds { get; set; } = 900;
    public int NewsScoreLogStart { get; set; } = 10;
    public double NewsScoreLogBooster { get; set; } = 2;
    public double RankAgingFactor { get; set; } = 1.1;
    public int PreventRepostTimeSeconds { get; set; } = 172800;
    public int NewsSubmissionBreakSeconds { get; set; } = 900;
    public int SavedNewsPerPage { get; set; } = 10;
    public int TopNewsAgeLimitSeconds { get; set; } = 2592000;

    /// <summary>
    /// Not a Lamernews constant: how often, in PostgreSQL mode, the top and latest lists store a checkpoint of what
    /// changed (a restart then reads the checkpoint and the events after it, not the whole news history). 0: never.
    /// </summary>
    public int ListsCheckpointSeconds { get; set; } = 60;

    /// <summary>
    /// Not a Lamernews constant: for how many milliseconds, within one second, readers of the same top or latest page
    /// share one answer of the ranking grain in a gateway (0: every read asks). Adds at most that much to how far a page
    /// is behind the log (the feed's own lag is tens of milliseconds under a burst), and keeps a crowd of readers from
    /// queueing on the one ranking grain while it applies a burst of votes.
    /// </summary>
    public int ListPageShareMilliseconds { get; set; } = 5;

    /// <summary>
    /// Not a Lamernews constant: how long, at most, a read of a list or page by a client that has just written waits for
    /// the read models to hold its write (read-your-writes, over HTTP and <c>/ws</c>, news and the bank accounts' list,
    /// summary and statements; 0: never waits). Past it the read is served as it is.
    /// </summary>
    public int ReadYourWritesMilliseconds { get; set; } = 1000;
    public int ApiMaxNewsCount { get; set; } = 32;

    public bool FooterTwitterLink { get; set; }
    public bool FooterGoogleGroupLink { get; set; }
    public string MailRelay { get; set; } = "";
    public string MailFrom { get; set; } = "noreply@example.com";
}
