using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Actors.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Actors.Tests.Gateway;

/// <summary>A co-hosted gateway in PostgreSQL mode on a server of its own (the tests stop it).</summary>
public sealed class StoppableDatabaseGatewayFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public ThrowawayPostgres Database { get; private set; } = null!;

    private string _connectionString = null!;

    public async Task InitializeAsync()
    {
        Database = await ThrowawayPostgres.StartAsync();
        _connectionString = await Database.CreateDatabaseAsync("unavailable");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Postgres", _connectionString);
        builder.UseSetting("News:UserCreationDelaySeconds", "0");
        builder.UseSetting("News:NewsSubmissionBreakSeconds", "0");
        builder.UseSetting("Users:PasswordHashIterations", "1000");
        builder.UseSetting("Orleans:UseLoopback", "true");
        builder.UseSetting("Orleans:SiloPort", AppProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", AppProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:ClusterId", "un" + Guid.NewGuid().ToString("N")[..8]);
    }

    /// <summary>Creates a user while the database is up and signs <paramref name="client"/> in as it; returns its API secret.</summary>
    public async Task<string> SignUpAsync(HttpClient client)
    {
        client.Timeout = TimeSpan.FromSeconds(30);
        var name = $"u{Guid.NewGuid():N}"[..16];
        using var created = await client.PostAsync("/api/create_account",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = name, ["password"] = "secret-password" }));
        var account = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ok", account.GetProperty("status").GetString());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", account.GetProperty("auth").GetString()!);
        return account.GetProperty("apisecret").GetString()!;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Database.DisposeAsync();
    }
}

public class UnavailableDatabaseTests(StoppableDatabaseGatewayFactory gateway) : IClassFixture<StoppableDatabaseGatewayFactory>
{
    [Fact]
    public async Task While_postgres_is_down_commands_get_a_quick_clear_503_with_retry_after_in_each_routes_own_format()
    {
        using var client = gateway.CreateClient();
        var apisecret = await gateway.SignUpAsync(client);

        await gateway.Database.StopServerAsync(immediate: true);
        try
        {
            // A Lamernews route: its JSON envelope, with the status saying what happened.
            using var submitted = await client.PostAsync("/api/submit", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["title"] = "Written while the database is down", ["url"] = $"https://example.com/{Guid.NewGuid():N}", ["text"] = "",
                ["news_id"] = "-1", ["apisecret"] = apisecret,
            }));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, submitted.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), submitted.Headers.RetryAfter?.Delta);
            var lamer = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("err", lamer.GetProperty("status").GetString());
            Assert.Contains("database", lamer.GetProperty("error").GetString(), StringComparison.Ordinal);

            // A REST route: ProblemDetails with a stable code.
            using var opened = await client.PostAsync("/api/accounts", new StringContent("""{"currency":"EUR"}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, opened.StatusCode);
            Assert.Equal("application/problem+json", opened.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(opened.Headers.RetryAfter);
            var problem = JsonDocument.Parse(await opened.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
            Assert.Equal("storage-unavailable", problem.GetProperty("code").GetString());
        }
        finally
        {
            await gateway.Database.StartServerAsync();
        }
    }

}

/// <summary>A class of its own (so a server of its own): the restart leaves dead connections in the pools behind it.</summary>
public class RestartedDatabaseTests(StoppableDatabaseGatewayFactory gateway) : IClassFixture<StoppableDatabaseGatewayFactory>
{
    [Fact]
    public async Task Once_postgres_is_back_the_same_silo_records_commands_again()
    {
        using var client = gateway.CreateClient();
        await gateway.SignUpAsync(client);
        using (var before = await OpenAccountAsync(client))
        {
            Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        }

        // The event log's writers hold connections of their own: the restart breaks them, and they must be replaced.
        await gateway.Database.StopServerAsync(immediate: true);
        await gateway.Database.StartServerAsync();

        var statuses = new List<HttpStatusCode>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (statuses.LastOrDefault() != HttpStatusCode.Created && DateTime.UtcNow < deadline)
        {
            using var after = await OpenAccountAsync(client);
            statuses.Add(after.StatusCode);
            if (after.StatusCode != HttpStatusCode.Created)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode); // a clear "retry", never a 500
                await Task.Delay(after.Headers.RetryAfter?.Delta is { } wait && wait < TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromMilliseconds(200));
            }
        }

        Assert.Equal(HttpStatusCode.Created, statuses.Last());
    }

    private static Task<HttpResponseMessage> OpenAccountAsync(HttpClient client) =>
        client.PostAsync("/api/accounts", new StringContent("""{"currency":"EUR"}""", System.Text.Encoding.UTF8, "application/json"));
}
