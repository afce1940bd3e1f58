using System.Net;
using System.Text.Json;
using Actors.EventSourcing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Operations;

[Collection(GatewayCollection.Name)]
public class HealthTests(GatewayFactory gateway)
{
    [Fact]
    public async Task The_liveness_probe_answers_ok()
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await StatusOf(response));
    }

    [Fact]
    public async Task The_readiness_probe_is_healthy_when_the_cluster_and_the_event_log_answer()
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await StatusOf(response));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task The_probes_only_answer_reads(string method)
    {
        using var client = gateway.CreateClient();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/health/ready"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    internal static async Task<string?> StatusOf(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("status").GetString();
    }
}

/// <summary>A gateway whose event log cannot be read: the storage outage readiness must report.</summary>
public sealed class BrokenStorageGateway : IDisposable
{
    private readonly GatewayFactory _gateway = new();

    public BrokenStorageGateway() =>
        Factory = _gateway.WithWebHostBuilder(web => web.ConfigureTestServices(services => services.AddSingleton<IEventLog, UnreachableEventLog>()));

    public WebApplicationFactory<Program> Factory { get; }

    public void Dispose()
    {
        Factory.Dispose();
        _gateway.Dispose();
    }

    private sealed class UnreachableEventLog : IEventLog
    {
        public Task<IReadOnlyList<RecordedEvent>> AppendAsync(
            string streamId, long expectedVersion, IReadOnlyList<object> events, EventMetadata metadata, CancellationToken cancellationToken = default) =>
            throw new IOException("The event log is unreachable.");

        public Task<IReadOnlyList<IReadOnlyList<RecordedEvent>>> AppendAtomicallyAsync(
            IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken = default) =>
            throw new IOException("The event log is unreachable.");

        public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default) =>
            throw new IOException("The event log is unreachable.");

        public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(
            long afterPosition, int maxCount, string? category = null, CancellationToken cancellationToken = default) =>
            throw new IOException("The event log is unreachable.");
    }
}

public class HealthWithBrokenStorageTests(BrokenStorageGateway gateway) : IClassFixture<BrokenStorageGateway>
{
    [Fact]
    public async Task The_readiness_probe_reports_unavailable_when_the_event_log_cannot_be_read()
    {
        using var client = gateway.Factory.CreateClient();

        var response = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", await HealthTests.StatusOf(response));
        Assert.Contains("unreachable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_liveness_probe_still_answers_when_storage_is_down()
    {
        using var client = gateway.Factory.CreateClient();

        var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
