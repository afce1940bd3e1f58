using System.Globalization;
using System.Text.Json;
using Actors.Accounts;
using Microsoft.OpenApi;
using static Actors.Gateway.Accounts.AccountsHttp;

namespace Actors.Gateway.Accounts;

/// <summary>Request bodies of the accounts API (for the OpenAPI document; bodies are read and checked by hand).</summary>
public sealed record OpenAccountRequest(string? Currency);

public sealed record AmountRequest(long Amount);

public sealed record TransferRequest(string? Id, Guid From, Guid To, long Amount);

/// <summary>One event of an account's history as the API shows it.</summary>
public sealed record AccountEventResponse(long Version, string Type, DateTimeOffset At, JsonElement Data);

public static class AccountsApi
{
    /// <summary>
    /// The bank accounts REST API: <c>/api/accounts</c> and <c>/api/transfers</c>. JSON in and out, amounts in minor
    /// units, errors as ProblemDetails (400 bad shape, 401, 404 missing or not yours, 409 business rule).
    /// </summary>
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup("/api/accounts").WithTags("Accounts");

        accounts.MapPost("", OpenAccount).WithName("OpenAccount")
            .WithSummary("Open an account for the caller")
            .WithDescription("Body (optional): {\"currency\":\"EUR\"} (ISO 4217, default EUR). Returns 201 with the account.")
            .JsonBody<OpenAccountRequest>()
            .Produces<AccountView>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(401);

        accounts.MapGet("", ListAccounts).WithName("ListAccounts")
            .WithSummary("The caller's accounts")
            .WithDescription("From the owner read model (updated by account events within milliseconds).")
            .Produces<AccountView[]>().ProducesProblem(401);

        accounts.MapGet("/summary", Summary).WithName("GetAccountsSummary")
            .WithSummary("The caller's accounts and total balance per currency")
            .Produces<OwnerAccountsSummary>().ProducesProblem(401);

        accounts.MapGet("/{id}", GetAccount).WithName("GetAccount")
            .WithSummary("One account; with ?asOf=<version> or ?asOf=<ISO-8601 instant>, as it was then")
            .Produces<AccountView>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);

        accounts.MapPost("/{id}/deposit", Deposit).WithName("Deposit")
            .WithSummary("Pay money in: {\"amount\": <minor units>}")
            .JsonBody<AmountRequest>()
            .Produces<AccountView>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404).ProducesProblem(409);

        accounts.MapPost("/{id}/withdraw", Withdraw).WithName("Withdraw")
            .WithSummary("Take money out (no overdraft): {\"amount\": <minor units>}")
            .JsonBody<AmountRequest>()
            .Produces<AccountView>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404).ProducesProblem(409);

        accounts.MapPost("/{id}/close", Close).WithName("CloseAccount")
            .WithSummary("Close an account (zero balance only)")
            .Produces<AccountView>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        accounts.MapGet("/{id}/events", Events).WithName("GetAccountEvents")
            .WithSummary("The account's event history: [{version, type, at, data}]")
            .Produces<AccountEventResponse[]>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);

        accounts.MapGet("/{id}/statement", Statement).WithName("GetAccountStatement")
            .WithSummary("The account statement: movements with running balance")
            .Produces<AccountStatement>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);

        var transfers = app.MapGroup("/api/transfers").WithTags("Transfers");

        transfers.MapPost("", StartTransfer).WithName("StartTransfer")
            .WithSummary("Transfer money from one of the caller's accounts to any account")
            .WithDescription(
                "Body: {\"id\"?, \"from\", \"to\", \"amount\"}; the id (or the Idempotency-Key header) makes retries safe: " +
                "a repeat returns the original transfer and moves no more money. 201 when completed or failed, 202 while pending.")
            .JsonBody<TransferRequest>()
            .Produces<TransferView>(StatusCodes.Status201Created).Produces<TransferView>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(404).ProducesProblem(409);

        transfers.MapGet("/{id}", GetTransfer).WithName("GetTransfer")
            .WithSummary("A transfer the caller requested")
            .Produces<TransferView>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);

        return app;
    }

    private static async Task<IResult> OpenAccount(HttpContext context, IGrainFactory grains)
    {
        var (user, error) = await CallerAsync(context, changesState: true);
        if (error is not null)
        {
            return error;
        }

        var (body, bodyError) = await ReadObjectAsync(context.Request, optional: true);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!TryReadString(body, "currency", out var currency, out error))
        {
            return error!;
        }

        currency ??= AccountRules.DefaultCurrency;
        if (!AccountRules.IsValidCurrency(currency))
        {
            return BadRequest("'currency' must be a three-letter ISO 4217 code such as EUR.");
        }

        var id = Guid.NewGuid();
        var reply = await grains.GetGrain<IAccountGrain>(id).Open(user!.Id, currency);
        return reply.Rejection is { } rejection
            ? Rejected(rejection)
            : WithLocation(context, $"/api/accounts/{id}", Results.Json(reply.View, Json, statusCode: StatusCodes.Status201Created));
    }

    private static async Task<IResult> ListAccounts(HttpContext context, IGrainFactory grains)
    {
        var (user, error) = await CallerAsync(context, changesState: false);
        if (error is not null)
        {
            return error;
        }

        var summary = await grains.GetGrain<IOwnerAccountsGrain>(user!.Id).GetSummary();
        return Ok(summary.Accounts.Select(l => new AccountView(l.Id, user.Id, l.Currency, l.Balance, l.Version, l.Status, l.OpenedAt)).ToArray());
    }

    private static async Task<IResult> Summary(HttpContext context, IGrainFactory grains)
    {
        var (user, error) = await CallerAsync(context, changesState: false);
        return error ?? Ok(await grains.GetGrain<IOwnerAccountsGrain>(user!.Id).GetSummary());
    }

    private static async Task<IResult> GetAccount(HttpContext context, IGrainFactory grains, string id, string? asOf)
    {
        var (account, _, error) = await OwnedAccountAsync(context, grains, id, changesState: false);
        if (error is not null)
        {
            return error;
        }

        if (asOf is null)
        {
            return Ok((await account!.GetView())!);
        }

        AccountView? then;
        if (long.TryParse(asOf, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            then = await account!.GetViewAsOfVersion(version);
        }
        else if (asOf.Length <= 64 && DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            then = await account!.GetViewAsOfInstant(instant);
        }
        else
        {
            return BadRequest("'asOf' must be a version (a whole number) or an ISO-8601 instant such as 2026-11-23T12:00:00Z.");
        }

        return then is null ? Problem(StatusCodes.Status404NotFound, "Not found", "The account was not open yet at that point.", "not-found") : Ok(then);
    }

    private static Task<IResult> Deposit(HttpContext context, IGrainFactory grains, string id) =>
        MoveMoneyAsync(context, grains, id, (account, by, amount) => account.Deposit(by, amount));

    private static Task<IResult> Withdraw(HttpContext context, IGrainFactory grains, string id) =>
        MoveMoneyAsync(context, grains, id, (account, by, amount) => account.Withdraw(by, amount));

    private static async Task<IResult> MoveMoneyAsync(HttpContext context, IGrainFactory grains, string id, Func<IAccountGrain, long, long, Task<AccountReply>> move)
    {
        var (account, user, error) = await OwnedAccountAsync(context, grains, id, changesState: true);
        if (error is not null)
        {
            return error;
        }

        var (body, bodyError) = await ReadObjectAsync(context.Request);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!TryReadAmount(body, out var amount, out error))
        {
            return error!;
        }

        var reply = await move(account!, user!.Id, amount);
        return reply.Rejection is { } rejection ? Rejected(rejection) : Ok(reply.View!);
    }

    private static async Task<IResult> Close(HttpContext context, IGrainFactory grains, string id)
    {
        var (account, user, error) = await OwnedAccountAsync(context, grains, id, changesState: true);
        if (error is not null)
        {
            return error;
        }

        var reply = await account!.Close(user!.Id);
        return reply.Rejection is { } rejection ? Rejected(rejection) : Ok(reply.View!);
    }

    private static async Task<IResult> Events(HttpContext context, IGrainFactory grains, string id)
    {
        var (account, _, error) = await OwnedAccountAsync(context, grains, id, changesState: false);
        if (error is not null)
        {
            return error;
        }

        var history = await account!.GetHistory();
        return Ok(history.Select(e => new AccountEventResponse(e.Version, e.Type, e.RecordedAt, JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), Json))).ToArray());
    }

    private static async Task<IResult> Statement(HttpContext context, IGrainFactory grains, string id)
    {
        var (account, _, error) = await OwnedAccountAsync(context, grains, id, changesState: false);
        if (error is not null)
        {
            return error;
        }

        var statement = await grains.GetGrain<IAccountStatementGrain>(account!.GetPrimaryKey()).GetStatement();
        return statement is null ? NotFound("account") : Ok(statement);
    }

    private static async Task<IResult> StartTransfer(HttpContext context, IGrainFactory grains)
    {
        var (user, error) = await CallerAsync(context, changesState: true);
        if (error is not null)
        {
            return error;
        }

        var (body, bodyError) = await ReadObjectAsync(context.Request);
        if (bodyError is not null)
        {
            return bodyError;
        }

        if (!TryReadString(body, "id", out var id, out error)
            || !TryReadAccountId(body, "from", out var from, out error)
            || !TryReadAccountId(body, "to", out var to, out error)
            || !TryReadAmount(body, out var amount, out error))
        {
            return error!;
        }

        var header = context.Request.Headers["Idempotency-Key"].ToString();
        if (header.Length > 0)
        {
            if (id is not null && id != header)
            {
                return BadRequest("The 'id' and the Idempotency-Key header differ; send one, or the same value in both.");
            }

            id = header;
        }

        id ??= Guid.NewGuid().ToString("N");
        if (!AccountRules.IsValidTransferId(id))
        {
            return BadRequest($"A transfer id is 1 to {AccountRules.MaxTransferIdLength} ASCII letters, digits, '-' or '_'.");
        }

        if (from == to)
        {
            return BadRequest("'from' and 'to' must be different accounts.");
        }

        // Only the owner transfers out; a stranger's account looks exactly like a missing one.
        var source = await grains.GetGrain<IAccountGrain>(from).GetView();
        if (source is null || source.Owner != user!.Id)
        {
            return NotFound("account");
        }

        var reply = await grains.GetGrain<ITransferGrain>(id).Start(from, to, amount, user.Id);
        if (reply.Rejection is { } rejection)
        {
            return Rejected(rejection);
        }

        var view = reply.View!;
        var result = Results.Json(view, Json, statusCode: view.Status == "pending" ? StatusCodes.Status202Accepted : StatusCodes.Status201Created);
        return WithLocation(context, $"/api/transfers/{id}", result);
    }

    private static async Task<IResult> GetTransfer(HttpContext context, IGrainFactory grains, string id)
    {
        var (user, error) = await CallerAsync(context, changesState: false);
        if (error is not null)
        {
            return error;
        }

        if (!AccountRules.IsValidTransferId(id))
        {
            return BadRequest($"A transfer id is 1 to {AccountRules.MaxTransferIdLength} ASCII letters, digits, '-' or '_'.");
        }

        var view = await grains.GetGrain<ITransferGrain>(id).GetView();
        return view is null || view.RequestedBy != user!.Id ? NotFound("transfer") : Ok(view);
    }

    /// <summary>
    /// The account named in the route when the caller owns it; otherwise the error to answer: 400 for a malformed id,
    /// 404 for a missing account and equally for someone else's.
    /// </summary>
    private static async Task<(IAccountGrain? Account, Users.SignedInUser? User, IResult? Error)> OwnedAccountAsync(
        HttpContext context, IGrainFactory grains, string id, bool changesState)
    {
        var (user, error) = await CallerAsync(context, changesState);
        if (error is not null)
        {
            return (null, null, error);
        }

        if (!Guid.TryParse(id, out var accountId))
        {
            return (null, null, BadRequest("The account id must be a GUID."));
        }

        var account = grains.GetGrain<IAccountGrain>(accountId);
        var view = await account.GetView();
        return view is null || view.Owner != user!.Id ? (null, null, NotFound("account")) : (account, user, null);
    }

    /// <summary>
    /// Documents the JSON request body (and the refusals of bodies) in the OpenAPI document. Not <c>Accepts&lt;T&gt;</c>: that also makes routing
    /// answer a wrong content type with a bare 415 before the endpoint can give its ProblemDetails.
    /// </summary>
    private static RouteHandlerBuilder JsonBody<T>(this RouteHandlerBuilder endpoint) =>
        endpoint.ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = typeof(T) != typeof(OpenAccountRequest),
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });

    private static IResult WithLocation(HttpContext context, string location, IResult result)
    {
        context.Response.Headers.Location = location;
        return result;
    }
}
