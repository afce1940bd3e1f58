using System.Net;
using Actors.EventSourcing;
using Actors.Observability;

namespace Actors.Tests.Operations;

[Collection(GatewayCollection.Name)]
public class MetricsTests(GatewayFactory gateway)
{
    [Fact]
    public async Task The_metrics_endpoint_exposes_the_projects_meter_in_prometheus_text_format()
    {
        using var client = gateway.CreateClient();
        var projection = "metrics-test-" + Guid.NewGuid().ToString("N")[..8];
        var recorded = new RecordedEvent("tests-1", 1, 1, Guid.NewGuid(), DateTimeOffset.UtcNow, null, null, "e");

        ActorsMetrics.RecordDeliveryLag(projection, recorded, TimeProvider.System);

        // The exporter caches a scrape briefly: ask until the new series shows up.
        var text = await ScrapeShowing(client, body => body.Contains($"projection=\"{projection}\"", StringComparison.Ordinal));
        Assert.Contains("actors_stream_delivery_lag_milliseconds_bucket{otel_scope_name=\"Actors\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_that_runs_a_command_shows_up_in_the_command_and_event_counters()
    {
        using var client = gateway.CreateClient();
        using var form = new FormUrlEncodedContent([KeyValuePair.Create("username", "m" + Guid.NewGuid().ToString("N")[..12]), KeyValuePair.Create("password", "metrics-password")]);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/create_account", form)).StatusCode);

        var text = await ScrapeShowing(client, body => body.Contains("actors_commands_handled_total{", StringComparison.Ordinal)
            && body.Contains("actors_events_appended_total{", StringComparison.Ordinal));

        Assert.Contains("grain=\"UserGrain\"", text, StringComparison.Ordinal);
        Assert.Contains("category=\"users\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_metrics_endpoint_exposes_orleans_and_http_server_metrics_after_a_request()
    {
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        var text = await ScrapeShowing(client, body => body.Contains("http_server_request_duration_seconds", StringComparison.Ordinal)
            && body.Contains("orleans_", StringComparison.Ordinal));

        Assert.Contains("otel_scope_name=\"Microsoft.Orleans\"", text, StringComparison.Ordinal);
    }

    /// <summary>The first scrape that shows what <paramref name="condition"/> looks for.</summary>
    private static Task<string> ScrapeShowing(HttpClient client, Func<string, bool> condition) =>
        Eventually(async () =>
        {
            var response = await client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }, condition, "the scrape shows the expected series", TimeSpan.FromSeconds(5));
}
