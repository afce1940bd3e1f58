namespace Actors.Seeding;

/// <summary>
/// What site to generate (configuration section <c>Seed</c>, e.g. <c>Seed__News=100000</c>). Nothing is generated while
/// <see cref="News"/> is 0 (the default). The same seed gives the same site (ids, times, votes, comments, deletions).
/// </summary>
public sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>How many news to generate (0 = no seeding).</summary>
    public int News { get; set; }

    /// <summary>How many users (0 = one per 5 news, at least 1,000).</summary>
    public int Users { get; set; }

    /// <summary>Over how many days before now the news were created.</summary>
    public int Days { get; set; } = 365;

    /// <summary>The random seed.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>
    /// Shape (alpha) of the Pareto law of votes per news: P(votes &gt; v) = v^-alpha. 1.3 gives ~3 votes besides the author's
    /// on average, most news 0-2, about one in 8,000 more than 1,000.
    /// </summary>
    public double VoteShape { get; set; } = 1.3;

    /// <summary>The most votes one news gets (besides its author's; also bounded by the users registered before it).</summary>
    public int MaxVotes { get; set; } = 5000;

    /// <summary>Shape of the Pareto law of comments per news (1.5: ~1.5 comments on average).</summary>
    public double CommentShape { get; set; } = 1.5;

    /// <summary>The most comments one news gets.</summary>
    public int MaxComments { get; set; } = 500;

    /// <summary>Percent of votes that are down-votes (a down-vote needs karma; refused ones are dropped, as the site would).</summary>
    public double DownvotePercent { get; set; } = 10;

    /// <summary>Percent of news deleted by their author within the edit window.</summary>
    public double DeletedPercent { get; set; } = 2;

    /// <summary>Percent of news that are text posts (the rest are links).</summary>
    public double TextPercent { get; set; } = 10;

    /// <summary>The password of every generated user (they are named <c>user1</c>, <c>user2</c>, ...).</summary>
    public string Password { get; set; } = "password1";

    /// <summary>PBKDF2 iterations of that password's hash: cheap, so that load tools can log in quickly.</summary>
    public int PasswordHashIterations { get; set; } = 1000;

    /// <summary>The number of users to generate: <see cref="Users"/>, or its default for <see cref="News"/>.</summary>
    public int UserCount => Users > 0 ? Users : Math.Max(1000, News / 5);

    /// <summary>A clear sentence for settings that cannot make a site, or null.</summary>
    public string? Problem() =>
        News < 0 ? "Seed:News must be 0 or more."
        : Users < 0 ? "Seed:Users must be 0 or more."
        : Days < 1 ? "Seed:Days must be 1 or more."
        : VoteShape <= 0 || CommentShape <= 0 ? "Seed:VoteShape and Seed:CommentShape must be above 0."
        : MaxVotes < 0 || MaxComments < 0 ? "Seed:MaxVotes and Seed:MaxComments must be 0 or more."
        : DownvotePercent is < 0 or > 100 || DeletedPercent is < 0 or > 100 || TextPercent is < 0 or > 100 ? "Seed percentages must be between 0 and 100."
        : Password.Length < 8 ? "Seed:Password must have at least 8 characters."
        : PasswordHashIterations < 1 ? "Seed:PasswordHashIterations must be 1 or more."
        : null;
}
