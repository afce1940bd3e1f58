using System.Security.Cryptography;
using System.Text;
using Actors.Gateway.Users;
using Actors.News;
using Actors.Users;
using Microsoft.Extensions.Options;
using static Actors.Gateway.Web.Html;
using static Actors.Gateway.Web.Layout;
using static Actors.Gateway.Web.NewsFragments;

namespace Actors.Gateway.Web;

/// <summary>The user pages: login, a profile (with its form for the owner), a user's news and comments, saved news, replies.</summary>
internal static class UserPages
{
    public static async Task<IResult> Login(HttpContext context)
    {
        var page = await PageOf(context);
        var html = new StringBuilder("<h2>Login</h2>");
        html.Append("<form id=\"loginform\"><label for=\"username\">username</label><input type=\"text\" id=\"username\" name=\"username\"><label for=\"password\">password</label><input type=\"password\" id=\"password\" name=\"password\"><input type=\"checkbox\" name=\"register\" id=\"register\" value=\"1\"><label for=\"register\">create account</label><br><input type=\"submit\" value=\"Login\"></form><div class=\"errormsg\"></div><a href=\"/reset-password\">Forgot your password?</a>");
        return Shell(page, "Login", html);
    }

    /// <summary>Lamernews' <c>GET /logout?apisecret=</c>: logs out when the secret is the caller's, then back to the front page.</summary>
    public static async Task<IResult> Logout(HttpContext context)
    {
        var secret = context.Request.Query["apisecret"] is [{ } one] ? one : null;
        await Actors.Gateway.Users.UsersApi.EndSessionAsync(context, secret);
        return Results.Redirect("/");
    }

    /// <summary>The form that asks for a reset link (app.js sends it to <c>/api/reset-password</c>).</summary>
    public static async Task<IResult> ResetPassword(HttpContext context)
    {
        var page = await PageOf(context);
        var html = new StringBuilder("<h2>Reset your password</h2>");
        html.Append("<form id=\"resetform\"><label for=\"username\">username</label><input type=\"text\" id=\"username\" name=\"username\"><label for=\"email\">email</label><input type=\"text\" id=\"email\" name=\"email\"><br><input type=\"submit\" value=\"Reset password\"></form><div class=\"errormsg\"></div>");
        return Shell(page, "Reset password", html);
    }

    public static async Task<IResult> ResetPasswordOk(HttpContext context)
    {
        var page = await PageOf(context);
        var html = new StringBuilder("<h2>Reset your password</h2><p>You should receive an email with instructions in a few minutes. The link in it can be used once, within the hour.</p>");
        return Shell(page, "Reset password", html);
    }

    public static async Task<IResult> UserPage(HttpContext context, string name)
    {
        var page = await PageOf(context);
        var usersOptions = context.RequestServices.GetRequiredService<IOptions<UsersOptions>>().Value;
        if (await page.Grains().FindProfileAsync(name, page.Options.UsernameRegexp, usersOptions) is not { } profile)
        {
            return NotFound(page, "Non existing user");
        }

        var activity = page.Grains().GetGrain<IUserNewsGrain>(profile.Id);
        var posted = await activity.GetPosted(0, 1);
        var comments = await activity.GetComments(0, 1);
        var owner = page.User?.Id == profile.Id;
        var html = new StringBuilder("<div class=\"userinfo\">");
        html.Append($"<img class=\"avatar\" src=\"https://www.gravatar.com/avatar/{Gravatar(profile.Email)}?s=48&amp;d=mm\" alt=\"\"> <h2>{E(profile.Username)}</h2>");
        html.Append($"<pre>{Linkify(profile.About)}</pre><ul><li><b>created </b>{Ago(profile.CreatedAt.ToUnixTimeSeconds(), page.Now)}</li><li><b>karma </b>{profile.Karma} points</li><li><b>posted news </b>{posted.Total}</li><li><b>posted comments </b>{comments.Total}</li>");
        if (owner)
        {
            html.Append("<li><a href=\"/saved/0\">saved news</a></li>");
        }

        html.Append($"<li><a href=\"/usercomments/{Uri.EscapeDataString(profile.Username)}/0\">user comments</a></li><li><a href=\"/usernews/{Uri.EscapeDataString(profile.Username)}/0\">user news</a></li></ul></div>");
        if (owner)
        {
            html.Append($"<form id=\"profileform\"><label for=\"email\">email (not visible, used for gravatar)</label><input type=\"text\" id=\"email\" name=\"email\" size=\"40\" value=\"{E(profile.Email)}\"><label for=\"password\">change password (optional)</label><input type=\"password\" id=\"password\" name=\"password\" size=\"40\"><label for=\"about\">about</label><textarea id=\"about\" name=\"about\" cols=\"60\" rows=\"10\">{E(profile.About)}</textarea><br><input type=\"submit\" value=\"Update profile\"></form><div class=\"errormsg\"></div>");
        }

        return Shell(page, profile.Username, html);
    }

    public static async Task<IResult> UserNews(HttpContext context, string name, string start)
    {
        var page = await PageOf(context);
        var usersOptions = context.RequestServices.GetRequiredService<IOptions<UsersOptions>>().Value;
        if (await page.Grains().FindProfileAsync(name, page.Options.UsernameRegexp, usersOptions) is not { } profile)
        {
            return NotFound(page, "Non existing user");
        }

        var from = ParseStart(start);
        var perPage = page.Options.SavedNewsPerPage;
        var ids = await page.Grains().GetGrain<IUserNewsGrain>(profile.Id).GetPosted(from, perPage);
        var html = new StringBuilder($"<h2>News posted by {E(profile.Username)}</h2>");
        await NewsList(html, page, await page.Grains().GetGrain<INewsRankingGrain>(0).GetMany(ids.Items));
        More(html, $"/usernews/{Uri.EscapeDataString(profile.Username)}/", from, perPage, ids.Total);
        return Shell(page, "User news", html);
    }

    public static async Task<IResult> Saved(HttpContext context, string start)
    {
        var page = await PageOf(context);
        if (page.User is null)
        {
            return Results.Redirect("/login");
        }

        var from = ParseStart(start);
        var perPage = page.Options.SavedNewsPerPage;
        var ids = await page.Grains().GetGrain<IUserNewsGrain>(page.User.Id).GetSaved(from, perPage);
        var html = new StringBuilder("<h2>Your saved news</h2>");
        await NewsList(html, page, await page.Grains().GetGrain<INewsRankingGrain>(0).GetMany(ids.Items));
        More(html, "/saved/", from, perPage, ids.Total);
        return Shell(page, "Saved news", html);
    }

    public static async Task<IResult> UserComments(HttpContext context, string name, string start)
    {
        var page = await PageOf(context);
        var usersOptions = context.RequestServices.GetRequiredService<IOptions<UsersOptions>>().Value;
        if (await page.Grains().FindProfileAsync(name, page.Options.UsernameRegexp, usersOptions) is not { } profile)
        {
            return NotFound(page, "Non existing user");
        }

        var from = ParseStart(start);
        var perPage = page.Options.UserCommentsPerPage;
        var refs = await page.Grains().GetGrain<IUserNewsGrain>(profile.Id).GetComments(from, perPage);
        var html = new StringBuilder($"<h2>{E(profile.Username)} comments</h2>");
        foreach (var (thread, comment) in await Comments(page, refs.Items))
        {
            Comment(html, page, comment, 0, parentLink: true, newsTitle: thread.News);
        }

        More(html, $"/usercomments/{Uri.EscapeDataString(profile.Username)}/", from, perPage, refs.Total);
        return Shell(page, "User comments", html);
    }

    public static async Task<IResult> Replies(HttpContext context)
    {
        var page = await PageOf(context);
        if (page.User is null)
        {
            return Results.Redirect("/login");
        }

        var refs = await page.Grains().GetGrain<IUserNewsGrain>(page.User.Id).GetComments(0, page.Options.SubthreadsInRepliesPage);
        var html = new StringBuilder("<h2>Your threads</h2>");
        foreach (var (thread, comment) in await Comments(page, refs.Items))
        {
            Comment(html, page, comment, 0, parentLink: true, newsTitle: thread.News);
            CommentTree(html, page, thread, comment.Id, 1);
        }

        await page.Grains().GetGrain<IUserGrain>(page.User.Id).MarkRepliesRead();
        // The badge of this very page shows the count as it is now: read.
        page = page with { User = page.User with { Replies = 0 } };
        return Shell(page, "Your threads", html);
    }

    private static async Task<List<(CommentThreadView Thread, CommentView Comment)>> Comments(Page page, IReadOnlyList<CommentRef> refs)
    {
        var threads = new Dictionary<long, CommentThreadView?>();
        var found = new List<(CommentThreadView, CommentView)>();
        foreach (var r in refs)
        {
            if (!threads.TryGetValue(r.NewsId, out var thread))
            {
                threads[r.NewsId] = thread = await page.Grains().GetGrain<INewsGrain>(r.NewsId).GetThread(page.User?.Id);
            }

            if (thread?.Comments.FirstOrDefault(c => c.Id == r.CommentId) is { } comment)
            {
                found.Add((thread, comment));
            }
        }

        return found;
    }

    private static string Gravatar(string? email) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes((email ?? "").Trim().ToLowerInvariant())));
}
