using Actors.Diagnostics;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Faults;

/// <summary>
/// Whole-system fault tests: real silo processes (the built Actors.Silo) and a gateway process in client mode,
/// PostgreSQL membership, event log, storage and log-fed delivery, under concurrent commands.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class ClusterFaultTests(PostgresFixture postgres) : IAsyncLifetime
{
    private ProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = new ProcessCluster(await postgres.Server.CreateDatabaseAsync("faults"));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Killing_one_of_three_silos_under_load_loses_no_acknowledged_command_conserves_money_and_converges()
    {
        for (var i = 0; i < 3; i++)
        {
            await _cluster.StartSiloAsync();
        }

        var client = await _cluster.ConnectClientAsync();
        var load = new ProbeLoad(client);
        var domain = new DomainLoad(client);
        await domain.PrepareAsync();
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(load.RunAsync(stop.Token), domain.RunAsync(stop.Token));
        await load.UntilAcknowledgedAsync(300, TimeSpan.FromSeconds(60));

        _cluster.Silos[1].Kill();
        var atKill = load.Acknowledged;
        var domainAtKill = domain.Acknowledged;
        // The cluster notices the dead silo, moves its grains and delivery queues, and keeps acknowledging.
        await Eventually(async () => await _cluster.ActiveSilosAsync() == 2, "the killed silo declared dead", TimeSpan.FromSeconds(60));
        await load.UntilAcknowledgedAsync(atKill + 300, TimeSpan.FromSeconds(60));
        await Eventually(() => domain.Acknowledged > domainAtKill + 20, "votes and transfers acknowledged after the kill", TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await running;

        await load.AssertNothingLostAsync(client, _cluster.ConnectionString, TimeSpan.FromSeconds(90));
        await domain.AssertConsistentAsync(TimeSpan.FromSeconds(90));
        Assert.True(load.SlowestCall < TimeSpan.FromSeconds(20), $"slowest call {load.SlowestCall}");
    }

    [Fact]
    public async Task After_the_whole_cluster_restarts_all_state_comes_back_from_postgres()
    {
        await _cluster.StartSiloAsync();
        await _cluster.StartSiloAsync();
        var (gateway, address) = await _cluster.StartGatewayAsync();
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        await Eventually(async () => await ProcessCluster.GatewayReadyAsync(http), "gateway (client mode) ready", TimeSpan.FromSeconds(60));

        var client = await _cluster.ConnectClientAsync();
        var load = new ProbeLoad(client, probes: 20, workers: 8);
        using (var stop = new CancellationTokenSource())
        {
            var running = load.RunAsync(stop.Token);
            await load.UntilAcknowledgedAsync(200, TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await running;
        }

        await load.AssertNothingLostAsync(client, _cluster.ConnectionString, TimeSpan.FromSeconds(60));
        var deliveredBefore = await ProbeLoad.DeliveredVersionsAsync(client);

        // Everything stops: silos killed outright, the gateway and client with them.
        await _cluster.StopClientAsync();
        foreach (var silo in _cluster.Silos)
        {
            silo.Kill();
        }

        Assert.False(await ProcessCluster.GatewayReadyAsync(http));

        await _cluster.StartSiloAsync();
        await _cluster.StartSiloAsync();
        client = await _cluster.ConnectClientAsync();

        // Aggregates reload from the log, consumers' state from grain storage, and the gateway reconnects.
        foreach (var (stream, version) in load.AcknowledgedVersions)
        {
            Assert.True(await client.GetGrain<IProbeGrain>(Actors.EventSourcing.EventStreams.IdOf(stream)).GetVersion() >= version, stream);
        }

        var deliveredAfter = await ProbeLoad.DeliveredVersionsAsync(client);
        Assert.All(deliveredBefore, s => Assert.True(deliveredAfter.GetValueOrDefault(s.Key) >= s.Value, s.Key));
        await Eventually(async () => await ProcessCluster.GatewayReadyAsync(http), "gateway ready again", TimeSpan.FromSeconds(60));
        Assert.False(gateway.HasExited);
    }

    [Fact]
    public async Task Restarting_postgres_under_load_fails_requests_quickly_and_clearly_then_recovers_by_itself()
    {
        await _cluster.StartSiloAsync();
        await _cluster.StartSiloAsync();
        var client = await _cluster.ConnectClientAsync();
        var load = new ProbeLoad(client, probes: 30, workers: 12);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        await load.UntilAcknowledgedAsync(200, TimeSpan.FromSeconds(60));

        await postgres.Server.StopServerAsync();
        var failuresBefore = load.Failures.Count;
        await Eventually(() => load.Failures.Count > failuresBefore + 20, "commands fail while the database is down", TimeSpan.FromSeconds(30));
        var whileDown = load.Acknowledged;
        await postgres.Server.StartServerAsync();

        // No restart of anything else: the silos reconnect on their own.
        await load.UntilAcknowledgedAsync(whileDown + 300, TimeSpan.FromSeconds(90));
        await stop.CancelAsync();
        await running;

        Assert.Contains(load.Failures, e => e.Message.Contains("event log", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("PostgreSQL", StringComparison.OrdinalIgnoreCase));
        Assert.True(load.SlowestCall < TimeSpan.FromSeconds(20), $"slowest call {load.SlowestCall}: a request hung");
        Assert.True(await _cluster.ActiveSilosAsync() == 2, _cluster.Diagnostics());
        await load.AssertNothingLostAsync(client, _cluster.ConnectionString, TimeSpan.FromSeconds(90));
    }

}

/// <summary>The fault tests restart PostgreSQL, so they get a server of their own and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class FaultCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "faults";
}
