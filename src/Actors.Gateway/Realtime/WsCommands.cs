using System.Collections.Frozen;
using System.Text.Json;
using Actors.Gateway.Accounts;
using Actors.Gateway.News;
using Actors.Gateway.Users;

namespace Actors.Gateway.Realtime;

/// <summary>
/// The <c>/ws</c> commands: each event name and its handler, which reads the message's <c>data</c> into the command's
/// typed input and calls the same action as the HTTP route (<see cref="NewsActions"/>, <see cref="AccountActions"/>):
/// one action behind two doors. The defaults of a command are here, in its input, where the HTTP door has none.
/// </summary>
internal static class WsCommands
{
    /// <summary>Answers one message: the reply to send (exactly one, with the message's <paramref name="id"/>).</summary>
    public delegate Task<byte[]> Handler(WsSession session, string id, JsonElement data);

    private const string NotAuthenticated = "Not authenticated.";

    private static readonly FrozenDictionary<string, Handler> Table = new Dictionary<string, Handler>(StringComparer.Ordinal)
    {
        ["ping"] = (_, id, _) => Task.FromResult(Pushes.Ok(id, new { pong = true })),
        ["auth"] = (session, id, data) => session.AuthAsync(id, StringOf(data, "token")),
        ["subscribe"] = (session, id, data) => session.SubscribeAsync(id, StringOf(data, "channel")),
        ["unsubscribe"] = (session, id, data) => Task.FromResult(session.Unsubscribe(id, StringOf(data, "channel"))),

        // The news commands: Lamernews' parameters, with the defaults that make each event mean one thing.
        ["news.submit"] = News(NewsActions.Submit, data => new NewsSubmission(
            TextOf(data, "news_id") ?? NewsSubmission.New, TextOf(data, "title"), TextOf(data, "url") ?? "", TextOf(data, "text") ?? "")),
        ["news.edit"] = News(NewsActions.Submit, data => new NewsSubmission(
            TextOf(data, "news_id"), TextOf(data, "title"), TextOf(data, "url") ?? "", TextOf(data, "text") ?? "")),
        ["news.delete"] = News(NewsActions.Delete, data => new NewsDeletion(TextOf(data, "news_id"))),
        ["news.vote"] = News(NewsActions.Vote, data => new NewsVote(TextOf(data, "news_id"), TextOf(data, "vote_type"))),
        ["comment.post"] = News(NewsActions.PostComment, data => new CommentPost(
            TextOf(data, "news_id"), TextOf(data, "comment_id") ?? CommentPost.New, TextOf(data, "parent_id") ?? CommentPost.NoParent, TextOf(data, "comment"))),
        ["comment.edit"] = News(NewsActions.PostComment, data => new CommentPost(
            TextOf(data, "news_id"), TextOf(data, "comment_id"), TextOf(data, "parent_id") ?? CommentPost.NoParent, TextOf(data, "comment"))),
        ["comment.vote"] = News(NewsActions.VoteComment, data => new CommentVote(TextOf(data, "comment_id"), TextOf(data, "vote_type"))),

        // The account commands: the REST routes' JSON body is the message's data, the route's {id} its "account".
        ["account.open"] = Account((grains, user, data) => AccountActions.Open(grains, user, data)),
        ["account.list"] = Account((grains, user, _, wait) => AccountActions.List(grains, user, wait)),
        ["account.summary"] = Account((grains, user, _, wait) => AccountActions.Summary(grains, user, wait)),
        ["account.get"] = Account((grains, user, data) => AccountActions.Get(grains, user, StringOf(data, "account"), AsOf(data))),
        ["account.deposit"] = Account((grains, user, data) => AccountActions.Deposit(grains, user, StringOf(data, "account"), data)),
        ["account.withdraw"] = Account((grains, user, data) => AccountActions.Withdraw(grains, user, StringOf(data, "account"), data)),
        ["account.close"] = Account((grains, user, data) => AccountActions.Close(grains, user, StringOf(data, "account"))),
        ["account.history"] = Account((grains, user, data) => AccountActions.History(grains, user, StringOf(data, "account"))),
        ["account.statement"] = Account((grains, user, data, wait) => AccountActions.Statement(grains, user, StringOf(data, "account"), wait)),
        ["transfer.create"] = Account((grains, user, data) => AccountActions.StartTransfer(grains, user, data)),
        ["transfer.get"] = Account((grains, user, data) => AccountActions.GetTransfer(grains, user, StringOf(data, "id"))),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every command's event name (the AsyncAPI document, <c>asyncapi.json</c>, describes each; a test checks it).</summary>
    public static IEnumerable<string> Names => Table.Keys;

    /// <summary>The reply to the command <paramref name="eventName"/>, or "Unknown event." when there is no such command.</summary>
    public static Task<byte[]> RunAsync(WsSession session, string id, string eventName, JsonElement data) =>
        Table.TryGetValue(eventName, out var handler)
            ? handler(session, id, data)
            : Task.FromResult(Pushes.Error(id, "Unknown event."));

    /// <summary>A news command for the socket's user, its outcome as a reply (the Lamernews sentence on refusal).</summary>
    private static Handler News<TInput>(Func<IGrainFactory, SignedInUser, TInput, Task<NewsOutcome>> action, Func<JsonElement, TInput> read) =>
        async (session, id, data) =>
        {
            if (await session.UserAsync() is not { } user)
            {
                return Pushes.Error(id, NotAuthenticated);
            }

            var outcome = await action(session.Grains, user, read(data));
            if (outcome.Written is var (writer, written))
            {
                session.Remember(writer, [new ReadYourWrites.Written.News(written)]);
            }

            return outcome.Error is { } error ? Pushes.Error(id, error) : Pushes.Ok(id, outcome.Result, outcome.Position);
        };

    /// <summary>
    /// An account command or read, as the REST routes run it: the same checks, the same owner-only rule (someone else's
    /// account is "No such account.", like a missing one), the same JSON.
    /// </summary>
    private static Handler Account(Func<IGrainFactory, SignedInUser, JsonElement, Task<AccountOutcome>> action) =>
        Account((grains, user, data, _) => action(grains, user, data));

    /// <summary>
    /// As above, for a read of a read model: it waits for what this socket wrote (as an HTTP read waits for its token;
    /// the reply's shape is the same, a read whose wait ran out is answered as it is). A command's writes are remembered.
    /// </summary>
    private static Handler Account(Func<IGrainFactory, SignedInUser, JsonElement, ReadYourWrites.AccountsWait?, Task<AccountOutcome>> action) =>
        async (session, id, data) =>
        {
            if (await session.UserAsync() is not { } user)
            {
                return Pushes.Error(id, NotAuthenticated);
            }

            var outcome = await action(session.Grains, user, data, session.AccountsWait());
            if (outcome.Written is var (writer, written))
            {
                session.Remember(writer, written);
            }

            return outcome.Error is { } error
                ? Pushes.Error(id, error.Detail, error.Code)
                : Pushes.Ok(id, outcome.Value, outcome.Position, AccountsHttp.Json);
        };

    /// <summary>
    /// A Lamernews parameter from <c>data</c>: a string as it is, a number or boolean as its JSON text, any other value
    /// as empty; null when absent.
    /// </summary>
    private static string? TextOf(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() ?? "",
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => "",
            }
            : null;

    /// <summary>A string member of <c>data</c>; null when absent or of another JSON type.</summary>
    private static string? StringOf(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary><c>asOf</c> of <c>account.get</c>: a version (number or string) or an ISO-8601 instant.</summary>
    private static string? AsOf(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("asOf", out var asOf)
            ? asOf.ValueKind switch
            {
                JsonValueKind.String => asOf.GetString(),
                JsonValueKind.Number => asOf.GetRawText(),
                JsonValueKind.Null => null,
                _ => "",
            }
            : null;
}
