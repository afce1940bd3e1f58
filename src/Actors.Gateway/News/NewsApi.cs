using System.Globalization;
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

    // The Lamernews literal contains a line break and the source's indentation.
    private const string MissingCommentParameters = "Missing news_id, comment_id, parent_id, or comment\n                       parameter.";

    public static IEndpointRouteBuilder MapNewsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter(NeverAnErrorPage);
        api.MapPost("/submit", Submit);
        api.MapPost("/delnews", DeleteNews);
        api.MapPost("/votenews", VoteNews);
        api.MapPost("/postcomment", PostComment);
        api.MapPost("/votecomment", VoteComment);
        api.MapGet("/getnews/{sort}/{start}/{count}", GetNews);
        api.MapGet("/getcomments/{news_id}", GetComments);
        return app;
    }

    private static async Task<IResult> Submit(HttpContext context, IGrainFactory grains)
    {
        var (user, parameters, refused) = await SignedInWithSecret(context);
        if (refused is not null)
        {
            return refused;
        }

        var title = parameters.Required("title");
        var newsId = parameters.Required("news_id");
        var url = parameters.Present("url");
        var text = parameters.Present("text");
        if (title is null || newsId is null || url is null || text is null || (url.Length == 0 && text.Length == 0))
        {
            return LamerResults.Error(NewsErrors.TitleAndUrlOrTextRequired);
        }

        NewsCommandResult result;
        if (newsId == "-1")
        {
            result = await grains.GetGrain<INewsAuthorGrain>(user!.Id).Submit(title, url, text);
        }
        else if (ParseId(newsId) is { } id)
        {
            result = await grains.GetGrain<INewsGrain>(id).Edit(user!.Id, title, url, text);
        }
        else
        {
            return LamerResults.Error(NewsErrors.EditRefused);
        }

        return result.Rejection is { } rejection ? LamerResults.Error(rejection) : LamerResults.Ok(new { news_id = result.Id });
    }

    private static async Task<IResult> DeleteNews(HttpContext context, IGrainFactory grains)
    {
        var (user, parameters, refused) = await SignedInWithSecret(context);
        if (refused is not null)
        {
            return refused;
        }

        var newsId = parameters.Required("news_id");
        if (newsId is null)
        {
            return LamerResults.Error("Please specify a news title.");
        }

        if (ParseId(newsId) is not { } id)
        {
            return LamerResults.Error(NewsErrors.DeleteRefused);
        }

        var result = await grains.GetGrain<INewsGrain>(id).Delete(user!.Id);
        return result.Rejection is { } rejection ? LamerResults.Error(rejection) : LamerResults.Ok(new { news_id = -1 });
    }

    private static async Task<IResult> VoteNews(HttpContext context, IGrainFactory grains)
    {
        var (user, parameters, refused) = await SignedInWithSecret(context);
        if (refused is not null)
        {
            return refused;
        }

        var newsId = parameters.Required("news_id");
        if (newsId is null || ParseVote(parameters.Required("vote_type")) is not { } direction)
        {
            return LamerResults.Error("Missing news ID or invalid vote type.");
        }

        if (ParseId(newsId) is not { } id)
        {
            return LamerResults.Error(NewsErrors.NoSuchNews);
        }

        var result = await grains.GetGrain<INewsGrain>(id).Vote(user!.Id, direction);
        return result.Rejection is { } rejection ? LamerResults.Error(rejection) : LamerResults.Ok();
    }

    private static async Task<IResult> PostComment(HttpContext context, IGrainFactory grains)
    {
        var (user, parameters, refused) = await SignedInWithSecret(context);
        if (refused is not null)
        {
            return refused;
        }

        var newsIdText = parameters.Required("news_id");
        var commentIdText = parameters.Required("comment_id");
        var parentIdText = parameters.Required("parent_id");
        var body = parameters.Present("comment");
        if (newsIdText is null || commentIdText is null || parentIdText is null || body is null)
        {
            return LamerResults.Error(MissingCommentParameters);
        }

        if (ParseId(newsIdText) is not { } newsId
            || !long.TryParse(commentIdText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var commentId)
            || !long.TryParse(parentIdText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parentId)
            || (commentId != -1 && commentId < 1)
            || (parentId != -1 && parentId < 1))
        {
            return LamerResults.Error(NewsErrors.InvalidComment);
        }

        var news = grains.GetGrain<INewsGrain>(newsId);
        var result = commentId == -1
            ? await news.PostComment(user!.Id, parentId, body)
            : await news.EditComment(user!.Id, commentId, body);
        return result.Rejection is { } rejection
            ? LamerResults.Error(rejection)
            : LamerResults.Ok(new { op = result.Op, comment_id = result.Id, parent_id = parentId, news_id = newsId });
    }

    private static async Task<IResult> VoteComment(HttpContext context, IGrainFactory grains)
    {
        var (user, parameters, refused) = await SignedInWithSecret(context);
        if (refused is not null)
        {
            return refused;
        }

        var handle = parameters.Required("comment_id");
        if (handle is null || ParseVote(parameters.Required("vote_type")) is not { } direction)
        {
            return LamerResults.Error("Missing comment ID or invalid vote type.");
        }

        var parts = handle.Split('-');
        if (parts.Length != 2 || ParseId(parts[0]) is not { } newsId || ParseId(parts[1]) is not { } commentId)
        {
            return LamerResults.Error(NewsErrors.CommentVoteRefused);
        }

        var result = await grains.GetGrain<INewsGrain>(newsId).VoteComment(user!.Id, commentId, direction);
        return result.Rejection is { } rejection ? LamerResults.Error(rejection) : LamerResults.Ok(new { comment_id = handle });
    }

    private static async Task<IResult> GetNews(
        HttpContext context, IGrainFactory grains, IOptions<NewsOptions> options, string sort, string start, string count)
    {
        if (sort is not ("top" or "latest"))
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

        var ranking = grains.GetGrain<INewsRankingGrain>(0);
        var page = sort == "top" ? await ranking.GetTop(from, n) : await ranking.GetLatest(from, n);
        var user = await context.GetSignedInUserAsync();
        if (user is null)
        {
            return NewsJson.Page(page, null);
        }

        var votes = page.Items.Count == 0
            ? new Dictionary<long, VoteDirection>()
            : await grains.GetGrain<IUserNewsGrain>(user.Id).GetVotes(page.Items.Select(i => i.Id).ToArray());
        return NewsJson.Page(page, votes);
    }

    private static async Task<IResult> GetComments(HttpContext context, IGrainFactory grains, string news_id)
    {
        if (ParseId(news_id) is not { } id)
        {
            return LamerResults.Error("Wrong news ID.");
        }

        var user = await context.GetSignedInUserAsync();
        var thread = await grains.GetGrain<INewsGrain>(id).GetThread(user?.Id);
        return thread is null ? LamerResults.Error("Wrong news ID.") : NewsJson.Comments(thread);
    }

    /// <summary>Lamernews' order of checks: not logged in, then a wrong or missing API secret.</summary>
    private static async Task<(SignedInUser? User, NewsRequest Parameters, IResult? Refused)> SignedInWithSecret(HttpContext context)
    {
        var parameters = await NewsRequest.ReadAsync(context.Request);
        var user = await context.GetSignedInUserAsync();
        if (user is null)
        {
            return (null, parameters, LamerResults.Error(NotAuthenticated));
        }

        if (!user.HasApiSecret(parameters.Present("apisecret")))
        {
            return (user, parameters, LamerResults.Error(WrongSecret));
        }

        return (user, parameters, null);
    }

    /// <summary>A positive id; anything else (not a number, too big, zero, negative) is no id.</summary>
    private static long? ParseId(string text) =>
        text.Length <= 19 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    private static VoteDirection? ParseVote(string? type) => type switch
    {
        "up" => VoteDirection.Up,
        "down" => VoteDirection.Down,
        _ => null,
    };

    /// <summary>The API answers in its envelope even when something below it fails: never an exception page.</summary>
    private static async ValueTask<object?> NeverAnErrorPage(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (!context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Actors.News.Api")
                .LogError(e, "News API call {Path} failed", context.HttpContext.Request.Path);
            return LamerResults.Error("Something went wrong, please try again.");
        }
    }
}
