using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Diagnostics;
using Actors.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Gateway;

/// <summary>The gateway with a co-hosted silo in PostgreSQL mode, over HTTP.</summary>
public sealed class PostgresGatewayFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Token = "test-admin-token";

    private ThrowawayPostgres _server = null!;
    private string _connectionString = null!;

    public async Task InitializeAsync()
    {
        _server = await ThrowawayPostgres.StartAsync();
        _connectionString = await _server.CreateDatabaseAsync("gateway");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Postgres", _connectionString);
        builder.UseSetting("Admin:Token", Token);
        builder.UseSetting("Orleans:UseLoopback", "true");
        builder.UseSetting("Orleans:SiloPort", AppProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", AppProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:ClusterId", "gw" + Guid.NewGuid().ToString("N")[..8]);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _server.DisposeAsync();
    }
}

public class DeliveryAdminApiTests(PostgresGatewayFactory gateway) : IClassFixture<PostgresGatewayFactory>
{
    private HttpClient Admin()
    {
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Add("X-Admin-Token", PostgresGatewayFactory.Token);
        return client;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong")]
    [InlineData("test-admin-token-but-longer")]
    public async Task Admin_endpoints_refuse_a_missing_or_wrong_token(string? token)
    {
        using var client = gateway.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Add("X-Admin-Token", token);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/admin/delivery", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync(new Uri("/admin/delivery/rebuild", UriKind.Relative), null)).StatusCode);
    }

    [Fact]
    public async Task The_gateway_in_postgres_mode_is_ready_and_shows_delivery_progress_of_every_partition()
    {
        using var client = Admin();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        await gateway.Services.GetRequiredService<IClusterClient>().GetGrain<IProbeGrain>("admin").Tick();

        var progress = await client.GetFromJsonAsync<JsonElement>("/admin/delivery");

        Assert.True(progress.GetProperty("head").GetInt64() >= 1);
        Assert.Equal(8, progress.GetProperty("queues").GetArrayLength());
    }

    [Fact]
    public async Task A_rebuild_rewinds_every_delivery_queue_to_position_0_and_reports_progress()
    {
        using var client = Admin();
        var cluster = gateway.Services.GetRequiredService<IClusterClient>();
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => cluster.GetGrain<IProbeGrain>($"rebuild-{i}").Tick()));

        var response = await client.PostAsync(new Uri("/admin/delivery/rebuild", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var progress = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(progress.GetProperty("head").GetInt64() >= 50);
        Assert.Contains("percentDelivered", progress.ToString(), StringComparison.Ordinal);
        // Every running queue takes its rewind request (and then reads the log again from position 0).
        var dataSource = gateway.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        await Eventually(async () =>
        {
            await using var pending = dataSource.CreateCommand("SELECT count(*) FROM actors_checkpoints WHERE rewind_to IS NOT NULL");
            return (long)(await pending.ExecuteScalarAsync())! == 0;
        }, "all eight queues rewound", TimeSpan.FromSeconds(20));
    }

    [Theory]
    [InlineData("/admin/delivery/parked/abc/replay")]
    [InlineData("/admin/delivery/parked/99999999999999999999999/replay")]
    [InlineData("/admin/delivery/parked/-1/replay")]
    [InlineData("/admin/delivery/parked/424242/replay")]
    public async Task Replaying_a_parked_event_that_does_not_exist_is_a_clear_client_error(string path)
    {
        using var client = Admin();

        var response = await client.PostAsync(new Uri(path, UriKind.Relative), null);

        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {response.StatusCode}");
    }

    [Fact]
    public async Task Parked_events_are_listed_and_can_all_be_replayed()
    {
        using var client = Admin();

        var list = await client.GetFromJsonAsync<JsonElement>("/admin/delivery/parked");
        var replay = await client.PostAsync(new Uri("/admin/delivery/parked/replay", UriKind.Relative), null);

        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
    }
}
