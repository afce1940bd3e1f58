using Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Actors.Tests;

/// <summary>One in-process test cluster (one silo, the embedded configuration) shared by a test collection.</summary>
public class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>The clock every grain sees; tests move it instead of sleeping.</summary>
    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Every message the silo logs, with its scopes.</summary>
    public CapturedLogs Logs { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<TimeProvider>(DomainClock.Key, Clock);
            silo.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Logs);
            silo.AddActors();
            ConfigureSilo(silo);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Settings of a fixture of its own (its collection gets a cluster of its own).</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>A clock that only moves when a test moves it.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
