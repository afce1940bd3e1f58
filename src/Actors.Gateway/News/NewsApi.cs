using System.Globalization;
using Actors.Gateway.Hosting;
using Actors.Gateway.Lamernews;
using Actors.Gateway.Users;
using Actors.News;
using Microsoft.Extensions.Options;

namespace Actors.Gateway.News;

/// <summary>
/// The Lamernews news API: submit, delnews, votenews, postcomment, votecomment, getnews, getcomments. Every answer is
/// the Lamernews envelope with HTTP 200; input shape is checked here once, business rules in the grains.
/// </summary>
public static class NewsApi
{
    private const string NotAuthenticated = "Not authenticated.";
    private const string WrongSecret = "Wrong form secret.";

    /// <summary>
    /// Largest body of a news route: the largest legitimate one (a 4 KB text or comment, a 2 KB URL and a title, even
    /// percent-encoded) is well below it, and nothing larger is buffered.
    /// </summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapNewsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter(NeverAnErrorPage);
        api.MapPost("/submit", Submit);
        api.MapPost("/delnews", DeleteNews);
        api.MapPost("/votenews", VoteNews);
        api.MapPost("/postcomment", PostComment);
        api.MapPost("/votecomment", VoteComment);
        // Read-your-writes: a client that just wrote waits (bounded) for the lists to hold it; getcomments reads the news
        // grain itself, which every write of its thread went through, so it needs no wait.
        api.MapGet("/getnews/{sort}/{start}/{count}", GetNews).AddEndpointFilter(ReadYourWrites.Filter);
        api.MapGet("/getcomments/{news_id}", GetComments);
        return app;
    }

    // The write routes: the HTTP door's checks (signed in, API secret), its reading of the parameters into the command's
    // typed input, then the action shared with /ws.
    private static Task<IResult> Submit(HttpContext context, IGrainFactory grains) =>
        Command(context, grains, NewsSubmission.From, NewsActions.Submit);

    private static Task<IResult> DeleteNews(HttpContext context, IGrainFactory grains) =>
        Command(context, grains, NewsDeletion.From, NewsActions.Delete);

    private static Task<IResult> VoteNews(HttpContext context, IGrainFactory grains) =>
        Command(context, grains, NewsVote.From, NewsActions.Vote);

    private static Task<IResult> PostComment(HttpContext context, IGrainFactory grains, IOptions<LamernewsOptions> lamernews) =>
        Command(
            context,
            grains,
            CommentPost.From,
            lamernews.Value.StringFields ? NewsActions.PostCommentEchoingIds : NewsActions.PostComment);

    private static Task<IResult> VoteComment(HttpContext context, IGrainFactory grains) =>
        Command(context, grains, CommentVote.From, NewsActions.VoteComment);

    private static async Task<IResult> Command<TInput>(
        HttpContext context,
        IGrainFactory grains,
        Func<LamerParameters, TInput> read,
        Func<IGrainFactory, SignedInUser, TInput, Task<NewsOutcome>> action)
    {
        var (user, parameters, refused) = await SignedInWithSecret(context);
        if (refused is not null)
        {
            return refused;
        }

        return (await action(grains, user!, read(parameters))).ToLamerResult(context);
    }

    private static async Task<IResult> GetNews(
        HttpContext context,
        IGrainFactory grains,
        NewsPageCache pages,
        TrendingReader trending,
        IOptions<NewsOptions> options,
        IOptions<LamernewsOptions> lamernews,
        string sort,
        string start,
        string count)
    {
        if (sort is not ("top" or "latest" or "trending"))
        {
            return LamerResults.Error("Invalid sort parameter");
        }

        // The decisions table: count 1..APIMaxNewsCount and start >= 0, else an error (Lamernews returned everything).
        if (!int.TryParse(count, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            return LamerResults.Error("Invalid count parameter");
        }

        if (n > options.Value.ApiMaxNewsCount)
        {
            return LamerResults.Error("Count is too big");
        }

        if (n < 1)
        {
            return LamerResults.Error("Invalid count parameter");
        }

        if (!int.TryParse(start, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var from) || from < 0)
        {
            return LamerResults.Error("Invalid start parameter");
        }

        if (sort == "trending" && !trending.Enabled)
        {
            return LamerResults.Error(TrendingReader.TurnedOff);
        }

        var page = sort == "trending"
            ? (await trending.PageAsync(from, n)).AsNewsPage()
            : await pages.GetAsync(sort == "top", from, n, ReadYourWrites.FreshAfter(context));
        var user = await context.GetSignedInUserAsync();
        if (user is null)
        {
            return NewsJson.Page(page, null, lamernews.Value.StringFields);
        }

        var votes = page.Items.Count == 0
            ? new Dictionary<long, VoteDirection>()
            : await grains.GetGrain<IUserNewsGrain>(user.Id).GetVotes(page.Items.Select(i => i.Id).ToArray());
        return NewsJson.Page(page, votes, lamernews.Value.StringFields);
    }

    private static async Task<IResult> GetComments(HttpContext context, IGrainFactory grains, string news_id)
    {
        if (NewsIds.Parse(news_id) is not { } id)
        {
            return LamerResults.Error("Wrong news ID.");
        }

        var user = await context.GetSignedInUserAsync();
        var thread = await grains.GetGrain<INewsGrain>(id).GetThread(user?.Id);
        return thread is null ? LamerResults.Error("Wrong news ID.") : NewsJson.Comments(thread);
    }

    /// <summary>
    /// Lamernews' order of checks: not logged in, then a wrong or missing API secret; between them, a body that cannot be
    /// read (too large, malformed, or text such as a NUL) gets its own sentence, rather than reading as a wrong secret.
    /// </summary>
    private static async Task<(SignedInUser? User, LamerParameters Parameters, IResult? Refused)> SignedInWithSecret(HttpContext context)
    {
        var parameters = await LamerParameters.ReadAsync(context.Request, MaxBodyBytes);
        // The commands need who the user is, not the karma of the moment (the user grain checks karma when spending it).
        var user = await context.GetSignedInIdentityAsync();
        if (user is null)
        {
            return (null, parameters, LamerResults.Error(NotAuthenticated));
        }

        if (parameters.Error is { } unreadable)
        {
            return (user, parameters, LamerResults.Error(unreadable));
        }

        if (!user.HasApiSecret(parameters.Present("apisecret")))
        {
            return (user, parameters, LamerResults.Error(WrongSecret));
        }

        return (user, parameters, null);
    }

    /// <summary>
    /// The API answers in its envelope even when something below it fails: never an exception page. An unreachable
    /// database or a lost silo goes on to the gateway's 503 answers (same envelope, with Retry-After).
    /// </summary>
    private static async ValueTask<object?> NeverAnErrorPage(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (!context.HttpContext.RequestAborted.IsCancellationRequested && UnavailableStorageExtensions.Classify(e) is null)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Actors.News.Api")
                .LogError(e, "News API call {Path} failed", context.HttpContext.Request.Path);
            return LamerResults.Error("Something went wrong, please try again.");
        }
    }
}
