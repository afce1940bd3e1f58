using System.Text.Json;
using Actors.Gateway.Hosting;
using Actors.Gateway.News;
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

        accounts.MapPost("", OpenAccount).WithName("OpenAccount").RequireRateLimiting(RequestThrottling.BankAccounts)
            .WithSummary("Open an account for the caller")
            .WithDescription("Body (optional): {\"currency\":\"EUR\"} (ISO 4217, default EUR). Returns 201 with the account.")
            .JsonBody<OpenAccountRequest>()
            .Produces<AccountView>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(401);

        accounts.MapGet("", ListAccounts).WithName("ListAccounts")
            .WithSummary("The caller's accounts")
            .WithDescription(
                "From the owner read model (updated by account events within milliseconds). A request carrying the caller's " +
                "written token (cookie 'written' or header X-Actors-Written, as the writes answer) first waits for those writes.")
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

    // Each route: the HTTP-only part (who is calling, the CSRF guard, reading the body), then the action shared with /ws.

    private static async Task<IResult> OpenAccount(HttpContext context, IGrainFactory grains)
    {
        var (user, error) = await CallerAsync(context, changesState: true);
        if (error is not null)
        {
            return error;
        }

        var (body, bodyError) = await ReadObjectAsync(context.Request, optional: true);
        return bodyError ?? ToHttp(context, await AccountActions.Open(grains, user!, body));
    }

    private static async Task<IResult> ListAccounts(HttpContext context, IGrainFactory grains)
    {
        var (user, error) = await CallerAsync(context, changesState: false);
        return error ?? ToHttp(context, await AccountActions.List(grains, user!, ReadYourWrites.AccountsWaitOf(context)));
    }

    private static async Task<IResult> Summary(HttpContext context, IGrainFactory grains)
    {
        var (user, error) = await CallerAsync(context, changesState: false);
        return error ?? ToHttp(context, await AccountActions.Summary(grains, user!, ReadYourWrites.AccountsWaitOf(context)));
    }

    private static async Task<IResult> GetAccount(HttpContext context, IGrainFactory grains, string id, string? asOf)
    {
        var (user, error) = await CallerAsync(context, changesState: false);
        return error ?? ToHttp(context, await AccountActions.Get(grains, user!, id, asOf));
    }

    private static async Task<IResult> Deposit(HttpContext context, IGrainFactory grains, string id)
    {
        var (user, body, error) = await CallerAndBodyAsync(context);
        return error ?? ToHttp(context, await AccountActions.Deposit(grains, user!, id, body));
    }

    private static async Task<IResult> Withdraw(HttpContext context, IGrainFactory grains, string id)
    {
        var (user, body, error) = await CallerAndBodyAsync(context);
        return error ?? ToHttp(context, await AccountActions.Withdraw(grains, user!, id, body));
    }

    private static async Task<IResult> Close(HttpContext context, IGrainFactory grains, string id)
    {
        var (user, error) = await CallerAsync(context, changesState: true);
        return error ?? ToHttp(context, await AccountActions.Close(grains, user!, id));
    }

    private static async Task<IResult> Events(HttpContext context, IGrainFactory grains, string id)
    {
        var (user, error) = await CallerAsync(context, changesState: false);
        return error ?? ToHttp(context, await AccountActions.History(grains, user!, id));
    }

    private static async Task<IResult> Statement(HttpContext context, IGrainFactory grains, string id)
    {
        var (user, error) = await CallerAsync(context, changesState: false);
        return error ?? ToHttp(context, await AccountActions.Statement(grains, user!, id, ReadYourWrites.AccountsWaitOf(context)));
    }

    private static async Task<IResult> StartTransfer(HttpContext context, IGrainFactory grains)
    {
        var (user, body, error) = await CallerAndBodyAsync(context);
        return error ?? ToHttp(context, await AccountActions.StartTransfer(grains, user!, body, context.Request.Headers["Idempotency-Key"].ToString()));
    }

    private static async Task<IResult> GetTransfer(HttpContext context, IGrainFactory grains, string id)
    {
        var (user, error) = await CallerAsync(context, changesState: false);
        return error ?? ToHttp(context, await AccountActions.GetTransfer(grains, user!, id));
    }

    /// <summary>The caller of a state-changing route and its (required) JSON object body, or the error to answer.</summary>
    private static async Task<(Users.SignedInUser? User, JsonElement Body, IResult? Error)> CallerAndBodyAsync(HttpContext context)
    {
        var (user, error) = await CallerAsync(context, changesState: true);
        if (error is not null)
        {
            return (null, default, error);
        }

        var (body, bodyError) = await ReadObjectAsync(context.Request);
        return (user, body, bodyError);
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
}
