using System.Security.Cryptography;
using System.Text;
using Actors.Gateway.Users;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Actors.Gateway.Hosting;

/// <summary>Settings of the <c>Dashboard</c> configuration section.</summary>
public sealed class DashboardAccessOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// A secret that opens the dashboard to a caller sending <c>Authorization: Bearer &lt;token&gt;</c>, for tools and
    /// operators without a user account. Unset (the default): only signed-in administrators see the dashboard.
    /// </summary>
    public string? Token { get; set; }
}

internal static class DashboardAccess
{
    /// <summary>
    /// The Orleans Dashboard shows every grain type, silo and call rate and can trace calls: it is for operators only.
    /// Every request under <paramref name="path"/> (page, scripts and its data API) passes the gate first, and only
    /// requests under it reach the dashboard.
    /// </summary>
    public static WebApplication MapActorsDashboard(this WebApplication app, string path)
    {
        // Built on the first dashboard request, not at start-up: mapping the dashboard compresses its embedded assets
        // and compiles a score of endpoints, about half a second of CPU that the first answer should not wait for.
        var dashboard = new Lazy<RequestDelegate>(() => BuildDashboard(app, path), LazyThreadSafetyMode.ExecutionAndPublication);
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(path),
            branch => branch.Run(async context =>
            {
                var refusal = await CheckAsync(context);
                if (refusal is { } status)
                {
                    context.Response.StatusCode = status;
                    if (status == StatusCodes.Status401Unauthorized)
                    {
                        context.Response.Headers.WWWAuthenticate = "Bearer";
                    }

                    await context.Response.WriteAsync(status == StatusCodes.Status401Unauthorized
                        ? "The dashboard is for administrators: sign in first."
                        : "The dashboard is for administrators only.");
                    return;
                }

                await dashboard.Value(context);
            }));
        return app;
    }

    private static RequestDelegate BuildDashboard(WebApplication app, string path)
    {
        var pipeline = ((IApplicationBuilder)app).New();

        // New() copies the application's properties, the application-wide route builder among them; without this the
        // dashboard's routes would land in the application's routing table after it started instead of in this branch.
        pipeline.Properties.Remove("__GlobalEndpointRouteBuilder");
        pipeline.UseRouting();
        pipeline.UseEndpoints(endpoints => endpoints.MapOrleansDashboard(path));
        return pipeline.Build();
    }

    /// <summary>
    /// Null when the caller may see the dashboard: a signed-in administrator, or a caller presenting the configured
    /// operator token. Else the status to refuse with: 401 for anonymous callers, 403 for everyone else.
    /// </summary>
    private static async Task<int?> CheckAsync(HttpContext context)
    {
        if (HasOperatorToken(context))
        {
            return null;
        }

        var user = await context.GetSignedInUserAsync();
        return user switch
        {
            null => StatusCodes.Status401Unauthorized,
            { IsAdmin: true } => null,
            _ => StatusCodes.Status403Forbidden,
        };
    }

    private static bool HasOperatorToken(HttpContext context)
    {
        var token = context.RequestServices.GetRequiredService<IOptions<DashboardAccessOptions>>().Value.Token;
        var header = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(token) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var offered = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(offered, Encoding.UTF8.GetBytes(token));
    }
}
