using System.Globalization;
using System.Text.Json;
using Actors.Accounts;
using Actors.Gateway.News;
using Actors.Gateway.Users;

namespace Actors.Gateway.Accounts;

/// <summary>
/// Why an account command or read was refused, independent of the door: the HTTP status it maps to, and the stable
/// <see cref="Code"/> and sentence both doors show (ProblemDetails over HTTP, <c>{"error","code"}</c> over <c>/ws</c>).
/// </summary>
internal sealed record AccountError(int Status, string Title, string Detail, string Code)
{
    public static AccountError BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Bad request", detail, "bad-request");

    /// <summary>Missing, and equally someone else's: an id reveals nothing about the accounts of others.</summary>
    public static AccountError NotFound(string what) => new(StatusCodes.Status404NotFound, "Not found", $"No such {what}.", "not-found");

    /// <summary>A refusal of the domain, shown with its reason (the code without the slice, as this API always has).</summary>
    public static AccountError Rejected(Rejection rejection) =>
        rejection == AccountRejections.NotFound || rejection == AccountRejections.NotOwner ? NotFound("account")
        : rejection == AccountRejections.InvalidAmount || rejection == AccountRejections.InvalidCurrency
            || rejection == AccountRejections.InvalidTransferId || rejection == AccountRejections.SameAccount
            ? new(StatusCodes.Status400BadRequest, "Bad request", rejection.Message, AccountRejections.ReasonOf(rejection.Code))
        : new(StatusCodes.Status409Conflict, "Refused by a business rule", rejection.Message, AccountRejections.ReasonOf(rejection.Code));
}

/// <summary>
/// The outcome of an account command or read: the error, or the value to show, the HTTP status of success (201 for
/// something created, 202 for a transfer still pending), where the created thing lives, and the log position of the
/// events the command caused (0 for reads and for commands that changed nothing).
/// </summary>
internal sealed record AccountOutcome(AccountError? Error, object? Value, int Status = StatusCodes.Status200OK, string? Location = null, long Position = 0)
{
    /// <summary>What a command wrote, for read-your-writes (<see cref="ReadYourWrites"/>), and by whom.</summary>
    public (long WriterId, IReadOnlyList<ReadYourWrites.Written> Entries)? Written { get; init; }

    /// <summary>A read whose wait for the reader's writes ran out: it may lack some of them.</summary>
    public bool Stale { get; init; }

    public static implicit operator AccountOutcome(AccountError error) => new(error, null);

    public static AccountOutcome Ok(object value, long position = 0) => new(null, value, Position: position);

    /// <summary>As written by <paramref name="user"/>: the account write <paramref name="view"/> shows.</summary>
    public AccountOutcome WrittenBy(SignedInUser user, AccountView view) =>
        this with { Written = (user.Id, [new ReadYourWrites.Written.Account(view.Id, view.Version)]) };
}

/// <summary>
/// The account and transfer commands and reads, once, for both doors (the REST routes of <see cref="AccountsApi"/> and
/// the <c>/ws</c> protocol): shape checks of the input, the owner-only rule, then the grain. The caller has already
/// established who the user is (and, over HTTP, the CSRF guard); <c>body</c> is the request's JSON object (the HTTP
/// body, or a message's <c>data</c>). Commands name what they wrote (<see cref="AccountOutcome.Written"/>); the reads of
/// read models (list, summary, statement) first wait for what the reader wrote (<see cref="ReadYourWrites"/>), when
/// the door hands them its <c>wait</c>.
/// </summary>
internal static class AccountActions
{
    public static async Task<AccountOutcome> Open(IGrainFactory grains, SignedInUser user, JsonElement body)
    {
        if (!TryReadString(body, "currency", out var currency, out var error))
        {
            return error!;
        }

        currency ??= AccountRules.DefaultCurrency;
        if (!AccountRules.IsValidCurrency(currency))
        {
            return AccountError.BadRequest("'currency' must be a three-letter ISO 4217 code such as EUR.");
        }

        var id = Guid.NewGuid();
        var reply = await grains.GetGrain<IAccountGrain>(id).Open(user.Id, currency);
        return reply.Rejection is { } rejection
            ? AccountError.Rejected(rejection)
            : new AccountOutcome(null, reply.View, StatusCodes.Status201Created, $"/api/accounts/{id}", reply.Position).WrittenBy(user, reply.View!);
    }

    public static async Task<AccountOutcome> List(IGrainFactory grains, SignedInUser user, ReadYourWrites.AccountsWait? wait = null)
    {
        var (summary, stale) = await SummaryAfterAsync(grains, user, wait);
        var list = summary.Accounts.Select(l => new AccountView(l.Id, user.Id, l.Currency, l.Balance, l.Version, l.Status, l.OpenedAt)).ToArray();
        return AccountOutcome.Ok(list) with { Stale = stale };
    }

    public static async Task<AccountOutcome> Summary(IGrainFactory grains, SignedInUser user, ReadYourWrites.AccountsWait? wait = null)
    {
        var (summary, stale) = await SummaryAfterAsync(grains, user, wait);
        return AccountOutcome.Ok(summary) with { Stale = stale };
    }

    /// <summary>
    /// The owner's summary, once it holds the reader's own account writes: each account at least at its written version.
    /// An account the reader opened is waited for until it appears; a transfer's target only when the summary shows it
    /// (it may be someone else's, and would never appear).
    /// </summary>
    private static async Task<(OwnerAccountsSummary Summary, bool Stale)> SummaryAfterAsync(
        IGrainFactory grains, SignedInUser user, ReadYourWrites.AccountsWait? wait)
    {
        var owner = grains.GetGrain<IOwnerAccountsGrain>(user.Id);
        if (wait?.Token.AccountsOf(user.Id) is not { Count: > 0 } written)
        {
            return (await owner.GetSummary(), false); // nothing to wait for: the read alone
        }

        var (summary, held) = await ReadYourWrites.PollAsync(
            owner.GetSummary,
            summary => written.All(w => summary.Accounts.FirstOrDefault(l => l.Id == w.AccountId) is { } line ? line.Version >= w.Version : w.Target),
            wait.Bound,
            wait.Counter,
            wait.Aborted);
        return (summary, !held);
    }

    public static async Task<AccountOutcome> Get(IGrainFactory grains, SignedInUser user, string? id, string? asOf)
    {
        var (account, now, error) = await OwnedAsync(grains, user, id);
        if (error is not null)
        {
            return error;
        }

        if (asOf is null)
        {
            return AccountOutcome.Ok(now!);
        }

        AccountView? then;
        if (asOf.Length <= 19 && long.TryParse(asOf, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            then = await account!.GetViewAsOfVersion(version);
        }
        else if (asOf.Length <= 64 && DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            then = await account!.GetViewAsOfInstant(instant);
        }
        else
        {
            return AccountError.BadRequest("'asOf' must be a version (a whole number) or an ISO-8601 instant such as 2026-11-23T12:00:00Z.");
        }

        return then is null
            ? new AccountError(StatusCodes.Status404NotFound, "Not found", "The account was not open yet at that point.", "not-found")
            : AccountOutcome.Ok(then);
    }

    public static Task<AccountOutcome> Deposit(IGrainFactory grains, SignedInUser user, string? id, JsonElement body) =>
        MoveMoneyAsync(grains, user, id, body, (account, by, amount) => account.Deposit(by, amount));

    public static Task<AccountOutcome> Withdraw(IGrainFactory grains, SignedInUser user, string? id, JsonElement body) =>
        MoveMoneyAsync(grains, user, id, body, (account, by, amount) => account.Withdraw(by, amount));

    public static async Task<AccountOutcome> Close(IGrainFactory grains, SignedInUser user, string? id)
    {
        var (account, _, error) = await OwnedAsync(grains, user, id);
        if (error is not null)
        {
            return error;
        }

        return Replied(user, await account!.Close(user.Id));
    }

    /// <summary>The account's events, as <see cref="AccountEventResponse"/>s.</summary>
    public static async Task<AccountOutcome> History(IGrainFactory grains, SignedInUser user, string? id)
    {
        var (account, _, error) = await OwnedAsync(grains, user, id);
        if (error is not null)
        {
            return error;
        }

        var history = await account!.GetHistory();
        return AccountOutcome.Ok(history
            .Select(e => new AccountEventResponse(e.Version, e.Type, e.RecordedAt, JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), AccountsHttp.Json)))
            .ToArray());
    }

    public static async Task<AccountOutcome> Statement(IGrainFactory grains, SignedInUser user, string? id, ReadYourWrites.AccountsWait? wait = null)
    {
        var (account, _, error) = await OwnedAsync(grains, user, id);
        if (error is not null)
        {
            return error;
        }

        var accountId = account!.GetPrimaryKey();
        var statements = grains.GetGrain<IAccountStatementGrain>(accountId);
        // The reader owns this account (checked above): every write of the reader's on it is waited for, a target's too.
        var version = wait?.Token.AccountsOf(user.Id).Where(w => w.AccountId == accountId).Select(w => w.Version).DefaultIfEmpty().Max() ?? 0;
        var (statement, held) = version <= 0
            ? (await statements.GetStatement(), true) // nothing to wait for: the read alone
            : await ReadYourWrites.PollAsync(statements.GetStatement, s => s is not null && s.Version >= version, wait!.Bound, wait.Counter, wait.Aborted);
        return statement is null ? AccountError.NotFound("account") : AccountOutcome.Ok(statement) with { Stale = !held };
    }

    /// <summary>
    /// Starts a transfer (or returns the one already started under the same id). The position of the reply is the
    /// transfer's record, the first event of its commit: both accounts' statements and balances include the transfer when
    /// they reach that position.
    /// </summary>
    /// <param name="idempotencyKey">The HTTP door's <c>Idempotency-Key</c> header, if any; it must agree with <c>id</c>.</param>
    public static async Task<AccountOutcome> StartTransfer(IGrainFactory grains, SignedInUser user, JsonElement body, string? idempotencyKey = null)
    {
        if (!TryReadString(body, "id", out var id, out var error)
            || !TryReadAccountId(body, "from", out var from, out error)
            || !TryReadAccountId(body, "to", out var to, out error)
            || !TryReadAmount(body, out var amount, out error))
        {
            return error!;
        }

        if (!string.IsNullOrEmpty(idempotencyKey))
        {
            if (id is not null && id != idempotencyKey)
            {
                return AccountError.BadRequest("The 'id' and the Idempotency-Key header differ; send one, or the same value in both.");
            }

            id = idempotencyKey;
        }

        id ??= Guid.NewGuid().ToString("N");
        if (!AccountRules.IsValidTransferId(id))
        {
            return InvalidTransferId();
        }

        if (from == to)
        {
            return AccountError.BadRequest("'from' and 'to' must be different accounts.");
        }

        // Only the owner transfers out; a stranger's account looks exactly like a missing one.
        var source = grains.GetGrain<IAccountGrain>(from);
        var sourceView = await source.GetView();
        if (sourceView is null || sourceView.Owner != user.Id)
        {
            return AccountError.NotFound("account");
        }

        var reply = await grains.GetGrain<ITransferGrain>(AccountIds.TransferKeyOf(user.Id, id)).Start(from, to, amount, user.Id);
        if (reply.Rejection is { } rejection)
        {
            return AccountError.Rejected(rejection);
        }

        var view = reply.View! with { Id = id };
        return new AccountOutcome(
            null, view, view.Status == "pending" ? StatusCodes.Status202Accepted : StatusCodes.Status201Created, $"/api/transfers/{id}", reply.Position)
        {
            // Both legs: the source is the caller's; the target may be anyone's (waited for only where the reader sees it).
            Written = reply.Legs is { Count: > 0 } legs
                ? (user.Id, [.. legs.Select(l => new ReadYourWrites.Written.Account(l.Account, l.Version, Target: l.Account != from))])
                : null,
        };
    }

    public static async Task<AccountOutcome> GetTransfer(IGrainFactory grains, SignedInUser user, string? id)
    {
        if (id is null || !AccountRules.IsValidTransferId(id))
        {
            return InvalidTransferId();
        }

        // The caller's own id space first; then the global ids transfers had before they were scoped.
        var view = await grains.GetGrain<ITransferGrain>(AccountIds.TransferKeyOf(user.Id, id)).GetView()
            ?? await grains.GetGrain<ITransferGrain>(id).GetView();
        return view is null || view.RequestedBy != user.Id ? AccountError.NotFound("transfer") : AccountOutcome.Ok(view with { Id = id });
    }

    /// <summary>A required amount in minor units: a JSON integer between 1 and <see cref="AccountRules.MaxAmount"/>.</summary>
    public static bool TryReadAmount(JsonElement body, out long amount, out AccountError? error)
    {
        amount = 0;
        error = null;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("amount", out var value))
        {
            error = AccountError.BadRequest("'amount' is required: a whole number of minor units (cents).");
        }
        else if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out amount))
        {
            error = AccountError.BadRequest("'amount' must be a whole number of minor units (cents), e.g. 1250 for 12.50.");
        }
        else if (!AccountRules.IsValidAmount(amount))
        {
            error = AccountError.BadRequest($"'amount' must be between 1 and {AccountRules.MaxAmount.ToString(CultureInfo.InvariantCulture)}.");
        }

        return error is null;
    }

    /// <summary>An optional string property; an error when present with another JSON type.</summary>
    public static bool TryReadString(JsonElement body, string name, out string? value, out AccountError? error)
    {
        value = null;
        error = null;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = AccountError.BadRequest($"'{name}' must be a string.");
            return false;
        }

        value = element.GetString();
        return true;
    }

    public static bool TryReadAccountId(JsonElement body, string name, out Guid id, out AccountError? error)
    {
        id = Guid.Empty;
        if (!TryReadString(body, name, out var text, out error))
        {
            return false;
        }

        if (text is null || text.Length > 64 || !Guid.TryParse(text, out id))
        {
            error = AccountError.BadRequest($"'{name}' must be an account id (a GUID).");
            return false;
        }

        return true;
    }

    private static async Task<AccountOutcome> MoveMoneyAsync(
        IGrainFactory grains, SignedInUser user, string? id, JsonElement body, Func<IAccountGrain, long, long, Task<AccountReply>> move)
    {
        var (account, _, error) = await OwnedAsync(grains, user, id);
        if (error is not null)
        {
            return error;
        }

        if (!TryReadAmount(body, out var amount, out error))
        {
            return error!;
        }

        return Replied(user, await move(account!, user.Id, amount));
    }

    private static AccountOutcome Replied(SignedInUser user, AccountReply reply) =>
        reply.Rejection is { } rejection ? AccountError.Rejected(rejection) : AccountOutcome.Ok(reply.View!, reply.Position).WrittenBy(user, reply.View!);

    /// <summary>
    /// The account named by <paramref name="id"/> when <paramref name="user"/> owns it; otherwise the error: bad request
    /// for a malformed id, not found for a missing account and equally for someone else's.
    /// </summary>
    private static async Task<(IAccountGrain? Account, AccountView? View, AccountError? Error)> OwnedAsync(IGrainFactory grains, SignedInUser user, string? id)
    {
        if (id is null || id.Length > 64 || !Guid.TryParse(id, out var accountId))
        {
            return (null, null, AccountError.BadRequest("The account id must be a GUID."));
        }

        var account = grains.GetGrain<IAccountGrain>(accountId);
        var view = await account.GetView();
        return view is null || view.Owner != user.Id ? (null, null, AccountError.NotFound("account")) : (account, view, null);
    }

    private static AccountError InvalidTransferId() =>
        AccountError.BadRequest($"A transfer id is 1 to {AccountRules.MaxTransferIdLength} ASCII letters, digits, '-' or '_'.");
}
