using System.Globalization;

namespace Actors.Tests.Fuzzing;

/// <summary>
/// What the valid requests refer to: the signed-in user and what it owns (news, a comment, accounts, a transfer), and
/// things that may be used up (news to delete, accounts to close).
/// </summary>
internal sealed record FuzzWorld(
    FuzzUser User, long NewsId, long CommentId, Guid Account, Guid OtherAccount, string TransferId,
    IReadOnlyList<long> SpareNews, IReadOnlyList<Guid> SpareAccounts);

/// <summary>
/// A route the gateway maps (its pattern and methods exactly as mapped) and a valid request to it for the world's user.
/// <see cref="OwnUser"/>: the request is made by a user of its own, since a valid one ends the session (logout, a new password).
/// </summary>
internal sealed record FuzzRoute(string Pattern, string[] Methods, Func<FuzzWorld, FuzzUser, Random, FuzzRequest> Valid, bool OwnUser = false);

/// <summary>A <c>/ws</c> command and valid <c>data</c> for it.</summary>
internal sealed record FuzzCommand(string Event, Func<FuzzWorld, FuzzUser, Random, List<(string Key, J Value)>> Data);

/// <summary>
/// The table of valid requests the fuzz test starts from: every route and every <c>/ws</c> command. The route-table test
/// fails when the gateway maps a route (or the command table an event) this table does not name.
/// </summary>
internal static class FuzzTable
{
    private static readonly string[] Get = ["GET"];
    private static readonly string[] Post = ["POST"];
    private static readonly string[] GetHead = ["GET", "HEAD"];

    /// <summary>Routes served without an endpoint (a branch of the pipeline), fuzzed as well.</summary>
    public static readonly string[] Unrouted = ["/dashboard"];

    public static readonly IReadOnlyList<FuzzRoute> Routes =
    [
        // The Lamernews news API.
        new("/api/submit", Post, (w, u, r) => Lamer("/api/submit", u, r,
            ("news_id", S(r.Next(4) == 0 ? N(w.NewsId) : "-1")), ("title", S($"Fuzzed title {r.Next()}")),
            ("url", S($"https://example.org/fuzz/{r.Next()}")), ("text", S("")))),
        new("/api/delnews", Post, (w, u, r) => Lamer("/api/delnews", u, r, ("news_id", S(N(Hostile.Pick(r, w.SpareNews)))))),
        new("/api/votenews", Post, (w, u, r) => Lamer("/api/votenews", u, r, ("news_id", S(N(w.NewsId))), ("vote_type", S(Vote(r))))),
        new("/api/postcomment", Post, (w, u, r) => Lamer("/api/postcomment", u, r,
            ("news_id", S(N(w.NewsId))), ("comment_id", S(r.Next(4) == 0 ? N(w.CommentId) : "-1")),
            ("parent_id", S(r.Next(2) == 0 ? N(w.CommentId) : "-1")), ("comment", S($"A fuzzed comment {r.Next()}")))),
        new("/api/votecomment", Post, (w, u, r) => Lamer("/api/votecomment", u, r,
            ("comment_id", S($"{w.NewsId}-{w.CommentId}")), ("vote_type", S(Vote(r))))),
        new("/api/getnews/{sort}/{start}/{count}", Get, (w, u, r) => Read("/api/getnews/{sort}/{start}/{count}", r,
            ("sort", S(r.Next(3) switch { 0 => "top", 1 => "latest", _ => "trending" })), ("start", S("0")), ("count", S("10")))),
        new("/api/getcomments/{news_id}", Get, (w, u, r) => Read("/api/getcomments/{news_id}", r, ("news_id", S(N(w.NewsId))))),

        // The Lamernews users API.
        new("/api/create_account", Post, (w, u, r) => Lamer("/api/create_account", null, r,
            ("username", S($"fz{r.Next():x}")), ("password", S("password1")))),
        new("/api/login", ["GET", "POST"], (w, u, r) => r.Next(2) == 0
            ? new FuzzRequest { Method = "GET", Pattern = "/api/login", Auth = FuzzAuth.None, Query = { ("username", S(u.Name)), ("password", S("password1")) } }
            : Lamer("/api/login", null, r, ("username", S(u.Name)), ("password", S("password1")))),
        new("/api/logout", Post, (w, u, r) => Lamer("/api/logout", u, r), OwnUser: true),
        new("/api/updateprofile", Post, (w, u, r) => Lamer("/api/updateprofile", u, r,
            ("about", S("About me")), ("email", S("me@example.org")), ("password", S(r.Next(2) == 0 ? "" : "password2"))), OwnUser: true),
        new("/api/reset-password", Get, (w, u, r) => new FuzzRequest
        {
            Method = "GET", Pattern = "/api/reset-password", Auth = FuzzAuth.None, Query = { ("username", S(u.Name)), ("email", S("me@example.org")) },
        }),
        new("/api/set-new-password", Post, (w, u, r) => Lamer("/api/set-new-password", null, r,
            ("user", S(u.Name)), ("auth", S(Token(r))), ("password", S("password3")))),
        new("/set-new-password", Get, (w, u, r) => new FuzzRequest
        {
            Method = "GET", Pattern = "/set-new-password", Auth = FuzzAuth.None, Query = { ("user", S(u.Name)), ("auth", S(Token(r))) },
        }),
        new("/set-new-password", Post, (w, u, r) => new FuzzRequest
        {
            Method = "POST", Pattern = "/set-new-password", Auth = FuzzAuth.None, Body = FuzzBody.Form,
            Fields = { ("user", S(u.Name)), ("auth", S(Token(r))), ("password", S("password3")) },
        }),

        // The REST accounts API.
        new("/api/accounts/", Post, (w, u, r) => Rest("POST", "/api/accounts/", r, ("currency", S("EUR")))),
        new("/api/accounts/", Get, (w, u, r) => Rest("GET", "/api/accounts/", r)),
        new("/api/accounts/summary", Get, (w, u, r) => Rest("GET", "/api/accounts/summary", r)),
        new("/api/accounts/{id}", Get, (w, u, r) =>
        {
            var request = Rest("GET", "/api/accounts/{id}", r);
            request.PathValues.Add(("id", S(w.Account.ToString())));
            if (r.Next(2) == 0)
            {
                request.Query.Add(("asOf", S(r.Next(2) == 0 ? "1" : "2026-01-01T00:00:00Z")));
            }

            return request;
        }),
        new("/api/accounts/{id}/deposit", Post, (w, u, r) => OnAccount("POST", "/api/accounts/{id}/deposit", w.Account, r, ("amount", new JNum("100")))),
        new("/api/accounts/{id}/withdraw", Post, (w, u, r) => OnAccount("POST", "/api/accounts/{id}/withdraw", w.Account, r, ("amount", new JNum("1")))),
        new("/api/accounts/{id}/close", Post, (w, u, r) => OnAccount("POST", "/api/accounts/{id}/close", Hostile.Pick(r, w.SpareAccounts), r)),
        new("/api/accounts/{id}/events", Get, (w, u, r) => OnAccount("GET", "/api/accounts/{id}/events", w.Account, r)),
        new("/api/accounts/{id}/statement", Get, (w, u, r) => OnAccount("GET", "/api/accounts/{id}/statement", w.Account, r)),
        new("/api/transfers/", Post, (w, u, r) =>
        {
            var request = Rest("POST", "/api/transfers/", r,
                ("from", S(w.Account.ToString())), ("to", S(w.OtherAccount.ToString())), ("amount", new JNum("1")));
            if (r.Next(2) == 0)
            {
                request.Fields.Add(("id", S($"fz-{r.Next()}")));
            }

            return request;
        }),
        new("/api/transfers/{id}", Get, (w, u, r) => OnPath("GET", "/api/transfers/{id}", r, ("id", S(w.TransferId)))),

        // The site's pages.
        new("/", Get, (w, u, r) => Page("/", r)),
        new("/latest", Get, (w, u, r) => Page("/latest", r)),
        new("/latest/{start}", Get, (w, u, r) => Page("/latest/{start}", r, ("start", S("0")))),
        new("/news/{id}", Get, (w, u, r) => Page("/news/{id}", r, ("id", S(N(w.NewsId))))),
        new("/comment/{newsId}/{commentId}", Get, (w, u, r) => Page("/comment/{newsId}/{commentId}", r, ("newsId", S(N(w.NewsId))), ("commentId", S(N(w.CommentId))))),
        new("/reply/{newsId}/{commentId}", Get, (w, u, r) => Page("/reply/{newsId}/{commentId}", r, ("newsId", S(N(w.NewsId))), ("commentId", S(N(w.CommentId))))),
        new("/editcomment/{newsId}/{commentId}", Get, (w, u, r) => Page("/editcomment/{newsId}/{commentId}", r, ("newsId", S(N(w.NewsId))), ("commentId", S(N(w.CommentId))))),
        new("/submit", Get, (w, u, r) =>
        {
            var request = Page("/submit", r);
            request.Query.Add(("u", S("https://example.org/shared")));
            request.Query.Add(("t", S("A shared title")));
            return request;
        }),
        new("/login", Get, (w, u, r) => Page("/login", r)),
        new("/logout", Get, (w, u, r) =>
        {
            var request = Page("/logout", r);
            request.Query.Add(("apisecret", S("0000000000000000000000000000000000000000"))); // never the real one: the fuzz user stays signed in
            return request;
        }),
        new("/reset-password", Get, (w, u, r) => Page("/reset-password", r)),
        new("/reset-password-ok", Get, (w, u, r) => Page("/reset-password-ok", r)),
        new("/user/{name}", Get, (w, u, r) => Page("/user/{name}", r, ("name", S(u.Name)))),
        new("/usernews/{name}/{start}", Get, (w, u, r) => Page("/usernews/{name}/{start}", r, ("name", S(u.Name)), ("start", S("0")))),
        new("/usercomments/{name}/{start}", Get, (w, u, r) => Page("/usercomments/{name}/{start}", r, ("name", S(u.Name)), ("start", S("0")))),
        new("/saved/{start}", Get, (w, u, r) => Page("/saved/{start}", r, ("start", S("0")))),
        new("/replies", Get, (w, u, r) => Page("/replies", r)),
        new("/rss", Get, (w, u, r) => Page("/rss", r)),
        new("/about", Get, (w, u, r) => Page("/about", r)),
        new("/accounts", Get, (w, u, r) => Page("/accounts", r)),
        new("/accounts/{id}", Get, (w, u, r) => Page("/accounts/{id}", r, ("id", S(w.Account.ToString())))),
        new("/trending", Get, (w, u, r) => Page("/trending", r)),
        new("/editnews/{id}", Get, (w, u, r) => Page("/editnews/{id}", r, ("id", S(N(w.NewsId))))),
        new("/random", Get, (w, u, r) => Page("/random", r)),
        new("/admin", Get, (w, u, r) => Page("/admin", r)),
        new("/recompute", Get, (w, u, r) => Page("/recompute", r)),
        new("/favicon.ico", Get, (w, u, r) => Page("/favicon.ico", r)),
        new("/asyncapi.json", Get, (w, u, r) => Page("/asyncapi.json", r)),
        // The flow page: a signed-in user who is not the administrator, or a wrong admin token.
        new("/admin/flows", Get, (w, u, r) => r.Next(2) == 0 ? Page("/admin/flows", r) : Admin("GET", "/admin/flows", r)),
        new("/admin/flows.json", Get, (w, u, r) => r.Next(2) == 0 ? Page("/admin/flows.json", r) : Admin("GET", "/admin/flows.json", r)),
        new("/admin/flows/tail.json", Get, (w, u, r) =>
        {
            var request = r.Next(2) == 0 ? Page("/admin/flows/tail.json", r) : Admin("GET", "/admin/flows/tail.json", r);
            request.Query.AddRange([("category", S("news")), ("count", S("20")), ("filter", S("vote"))]);
            return request;
        }),
        new("/admin/flows/parked/replay", Post, (w, u, r) => Admin("POST", "/admin/flows/parked/replay", r)),
        new("/admin/flows/parked/{id}/replay", Post, (w, u, r) =>
        {
            var request = Admin("POST", "/admin/flows/parked/{id}/replay", r);
            request.PathValues.Add(("id", S("1")));
            return request;
        }),
        new("/js/app.js", Get, (w, u, r) => Page("/js/app.js", r)),
        new("/css/style.css", Get, (w, u, r) => Page("/css/style.css", r)),

        // Operations, the API description, and the WebSocket endpoint asked as plain HTTP (its frames: the /ws fuzz).
        new("/metrics", ["*"], (w, u, r) => Page("/metrics", r)),
        new("/health/live", GetHead, (w, u, r) => Page("/health/live", r)),
        new("/health/ready", GetHead, (w, u, r) => Page("/health/ready", r)),
        new("/openapi/{documentName}.json", Get, (w, u, r) => Page("/openapi/{documentName}.json", r, ("documentName", S("v1")))),
        new("/ws", ["*"], (w, u, r) => Page("/ws", r)),
        new("/dashboard", ["*"], (w, u, r) => Page("/dashboard", r)),
    ];

    /// <summary>
    /// The operator routes of log-fed delivery, mapped only in PostgreSQL mode with an admin token (not in this in-memory
    /// gateway): fuzzed all the same, as the unmapped paths they are here.
    /// </summary>
    public static readonly IReadOnlyList<FuzzRoute> PostgresOnly =
    [
        new("/admin/delivery/", Get, (w, u, r) => Admin("GET", "/admin/delivery/", r)),
        new("/admin/delivery/rebuild", Post, (w, u, r) => Admin("POST", "/admin/delivery/rebuild", r)),
        new("/admin/delivery/parked", Get, (w, u, r) => Admin("GET", "/admin/delivery/parked", r)),
        new("/admin/delivery/parked/replay", Post, (w, u, r) => Admin("POST", "/admin/delivery/parked/replay", r)),
        new("/admin/delivery/parked/{id:long}/replay", Post, (w, u, r) => Admin("POST", "/admin/delivery/parked/1/replay", r)),
    ];

    public static readonly IReadOnlyList<FuzzCommand> Commands =
    [
        new("ping", (w, u, r) => []),
        new("auth", (w, u, r) => [("token", S(u.Token))]),
        new("subscribe", (w, u, r) => [("channel", S(Channel(w, r)))]),
        new("unsubscribe", (w, u, r) => [("channel", S(Channel(w, r)))]),
        new("news.submit", (w, u, r) => [("title", S($"Fuzzed title {r.Next()}")), ("url", S($"https://example.org/ws/{r.Next()}")), ("text", S(""))]),
        new("news.edit", (w, u, r) => [("news_id", new JNum(N(w.NewsId))), ("title", S("An edited title")), ("url", S("")), ("text", S("Edited text"))]),
        new("news.delete", (w, u, r) => [("news_id", S(N(Hostile.Pick(r, w.SpareNews))))]),
        new("news.vote", (w, u, r) => [("news_id", S(N(w.NewsId))), ("vote_type", S(Vote(r)))]),
        new("comment.post", (w, u, r) => [("news_id", S(N(w.NewsId))), ("parent_id", S(N(w.CommentId))), ("comment", S($"A ws comment {r.Next()}"))]),
        new("comment.edit", (w, u, r) => [("news_id", S(N(w.NewsId))), ("comment_id", S(N(w.CommentId))), ("comment", S("An edited comment"))]),
        new("comment.vote", (w, u, r) => [("comment_id", S($"{w.NewsId}-{w.CommentId}")), ("vote_type", S(Vote(r)))]),
        new("account.open", (w, u, r) => [("currency", S("EUR"))]),
        new("account.list", (w, u, r) => []),
        new("account.summary", (w, u, r) => []),
        new("account.get", (w, u, r) => [("account", S(w.Account.ToString())), ("asOf", new JNum("1"))]),
        new("account.deposit", (w, u, r) => [("account", S(w.Account.ToString())), ("amount", new JNum("100"))]),
        new("account.withdraw", (w, u, r) => [("account", S(w.Account.ToString())), ("amount", new JNum("1"))]),
        new("account.close", (w, u, r) => [("account", S(Hostile.Pick(r, w.SpareAccounts).ToString()))]),
        new("account.history", (w, u, r) => [("account", S(w.Account.ToString()))]),
        new("account.statement", (w, u, r) => [("account", S(w.Account.ToString()))]),
        new("transfer.create", (w, u, r) => [("from", S(w.Account.ToString())), ("to", S(w.OtherAccount.ToString())), ("amount", new JNum("1")), ("id", S($"ws-{r.Next()}"))]),
        new("transfer.get", (w, u, r) => [("id", S(w.TransferId))]),
    ];

    private static J S(string text) => J.S(text);

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Vote(Random random) => random.Next(2) == 0 ? "up" : "down";

    private static string Token(Random random) => Convert.ToHexString(BitConverter.GetBytes(random.NextInt64())).ToLowerInvariant() + new string('0', 24);

    private static string Channel(FuzzWorld world, Random random) => random.Next(5) switch
    {
        0 => "news.top",
        1 => "news.latest",
        3 => "news.trending",
        2 => $"news.{world.NewsId}",
        _ => $"account.{world.Account}",
    };

    /// <summary>A Lamernews call: a form or JSON body (with the API secret when signed in), by bearer token or cookie.</summary>
    private static FuzzRequest Lamer(string path, FuzzUser? user, Random random, params (string Key, J Value)[] fields)
    {
        var request = new FuzzRequest
        {
            Method = "POST", Pattern = path, Body = random.Next(2) == 0 ? FuzzBody.Form : FuzzBody.Json,
            Auth = user is null ? FuzzAuth.None : random.Next(2) == 0 ? FuzzAuth.Bearer : FuzzAuth.Cookie,
        };
        if (user is not null)
        {
            request.Fields.Add(("apisecret", S(user.Secret)));
        }

        request.Fields.AddRange(fields);
        return request;
    }

    /// <summary>A REST call: a JSON body on writes, by bearer token (or cookie, which a JSON body makes acceptable).</summary>
    private static FuzzRequest Rest(string method, string path, Random random, params (string Key, J Value)[] fields)
    {
        var request = new FuzzRequest
        {
            Method = method, Pattern = path, Body = method == "POST" ? FuzzBody.Json : FuzzBody.None,
            Auth = random.Next(3) == 0 ? FuzzAuth.Cookie : FuzzAuth.Bearer,
        };
        request.Fields.AddRange(fields);
        return request;
    }

    private static FuzzRequest OnAccount(string method, string path, Guid account, Random random, params (string Key, J Value)[] fields)
    {
        var request = Rest(method, path, random, fields);
        request.PathValues.Add(("id", S(account.ToString())));
        return request;
    }

    private static FuzzRequest OnPath(string method, string path, Random random, params (string Name, J Value)[] values)
    {
        var request = Rest(method, path, random);
        request.PathValues.AddRange(values);
        return request;
    }

    private static FuzzRequest Read(string path, Random random, params (string Name, J Value)[] values)
    {
        var request = new FuzzRequest { Method = "GET", Pattern = path, Auth = random.Next(2) == 0 ? FuzzAuth.Bearer : FuzzAuth.None };
        request.PathValues.AddRange(values);
        return request;
    }

    /// <summary>A page as a signed-in browser asks for it (the cookie), or anonymously.</summary>
    private static FuzzRequest Page(string path, Random random, params (string Name, J Value)[] values)
    {
        var request = new FuzzRequest { Method = "GET", Pattern = path, Auth = random.Next(3) == 0 ? FuzzAuth.None : FuzzAuth.Cookie };
        request.PathValues.AddRange(values);
        return request;
    }

    private static FuzzRequest Admin(string method, string path, Random random)
    {
        var request = new FuzzRequest { Method = method, Pattern = path, Auth = FuzzAuth.None };
        request.Headers.Add(("X-Admin-Token", "not-the-token"));
        return request;
    }
}
