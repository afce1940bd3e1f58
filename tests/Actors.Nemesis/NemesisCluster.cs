using Actors.Tests.Infrastructure;

namespace Actors.Nemesis;

/// <summary>
/// The system under test on 127.0.0.1: a throwaway PostgreSQL, three silo processes (the built Actors.Silo) and two
/// gateway processes in client mode (the built Actors.Gateway), one cluster through PostgreSQL membership. Each silo
/// keeps its ports across restarts, so a partition rule names the same silo all run long.
/// </summary>
public sealed class NemesisCluster : IAsyncDisposable
{
    public const string AdminToken = "nemesis-admin-token";
    private readonly ClusterMembership _membership;
    private readonly string _logDirectory;
    private readonly List<AppProcess> _finished = [];

    private NemesisCluster(ThrowawayPostgres postgres, string connectionString, string logDirectory)
    {
        Postgres = postgres;
        ConnectionString = connectionString;
        _membership = new ClusterMembership(connectionString, "n" + Guid.NewGuid().ToString("N")[..8]);
        _logDirectory = logDirectory;
    }

    public ThrowawayPostgres Postgres { get; }

    public string ConnectionString { get; }

    public SiloSlot[] Silos { get; } = [.. Enumerable.Range(1, 3).Select(i => new SiloSlot($"silo-{i}", AppProcess.FreePort(), AppProcess.FreePort()))];

    public GatewaySlot[] Gateways { get; } = [.. Enumerable.Range(1, 2).Select(i => new GatewaySlot($"gateway-{i}", AppProcess.FreePort()))];

    public sealed class SiloSlot(string name, int siloPort, int gatewayPort)
    {
        public string Name { get; } = name;
        public int SiloPort { get; } = siloPort;
        public int GatewayPort { get; } = gatewayPort;
        public AppProcess? Process { get; set; }
        public int Starts { get; set; }
    }

    public sealed class GatewaySlot(string name, int port)
    {
        public string Name { get; } = name;
        public Uri Address { get; } = new($"http://127.0.0.1:{port}");
        public int Port { get; } = port;
        public AppProcess? Process { get; set; }
    }

    public static async Task<NemesisCluster> StartAsync(string logDirectory, TextWriter log)
    {
        var postgres = await ThrowawayPostgres.StartAsync();
        var cluster = new NemesisCluster(postgres, await postgres.CreateDatabaseAsync("nemesis"), logDirectory);
        try
        {
            log.WriteLine($"PostgreSQL on 127.0.0.1:{postgres.Port}; cluster {cluster._membership.ClusterId}");
            foreach (var silo in cluster.Silos)
            {
                // One at a time: the first creates the schema, and two cores start one .NET process at a time well.
                cluster.StartSilo(silo);
                await cluster.UntilActiveAsync(silo, TimeSpan.FromSeconds(120));
            }

            foreach (var gateway in cluster.Gateways)
            {
                cluster.StartGateway(gateway);
            }

            await cluster.UntilWholeAsync(TimeSpan.FromSeconds(120));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The shared cluster settings, and this harness's: no waits between sign-ups or submissions, karma for every vote.</summary>
    private Dictionary<string, string> Settings(int siloPort, int gatewayPort)
    {
        var settings = _membership.Settings(siloPort, gatewayPort);
        settings["News__UserCreationDelaySeconds"] = "0";
        settings["News__NewsSubmissionBreakSeconds"] = "0";
        settings["News__UserInitialKarma"] = "1000000";
        settings["Users__PasswordHashIterations"] = "1000";
        settings["Admin__Token"] = AdminToken;
        return settings;
    }

    public void StartSilo(SiloSlot silo)
    {
        if (silo.Process is { } old)
        {
            Keep(old);
        }

        silo.Starts++;
        silo.Process = AppProcess.Start("Actors.Silo", $"{silo.Name}#{silo.Starts}", Settings(silo.SiloPort, silo.GatewayPort));
    }

    private void StartGateway(GatewaySlot gateway)
    {
        var settings = Settings(AppProcess.FreePort(), AppProcess.FreePort());
        settings["Orleans__Mode"] = "client";
        settings["Urls"] = gateway.Address.ToString().TrimEnd('/');
        // The harness's clients all come from 127.0.0.1: no per-address limit may stand for "many users".
        settings["Realtime__MaxSocketsPerIp"] = "1000";
        gateway.Process = AppProcess.Start("Actors.Gateway", gateway.Name, settings);
    }

    /// <summary>kill -9, no goodbye to the cluster.</summary>
    public static void Kill(SiloSlot silo) => silo.Process?.Kill();

    public static void Signal(SiloSlot silo, string signal) => silo.Process?.Signal(signal);

    /// <summary>Restarts every silo process that is gone (killed, or stopped itself after being declared dead).</summary>
    public IReadOnlyList<string> RestartExited()
    {
        var restarted = new List<string>();
        foreach (var silo in Silos.Where(s => s.Process is null || s.Process.HasExited))
        {
            StartSilo(silo);
            restarted.Add(silo.Name);
        }

        return restarted;
    }

    /// <summary>Every silo active in the membership table under its running process, and both gateways ready.</summary>
    public async Task UntilWholeAsync(TimeSpan timeout, TextWriter? waiting = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var next = DateTime.UtcNow.AddSeconds(15);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        while (true)
        {
            RestartExited();
            var active = await ActivePortsAsync();
            var silosUp = Silos.All(s => s.Process is { HasExited: false } && active.Contains(s.SiloPort));
            var gatewaysUp = silosUp && (await Task.WhenAll(Gateways.Select(g => ReadyAsync(http, g)))).All(r => r);
            if (silosUp && gatewaysUp)
            {
                return;
            }

            if (DateTime.UtcNow > next)
            {
                next = DateTime.UtcNow.AddSeconds(15);
                waiting?.WriteLine($"  waiting: silos active on ports [{string.Join(", ", active)}] of [{string.Join(", ", Silos.Select(s => s.SiloPort))}], " +
                    $"processes running: {string.Join(", ", Silos.Select(s => $"{s.Name} {s.Process is { HasExited: false }}"))}, gateways ready: {gatewaysUp}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The cluster was not whole after {timeout}: silos active on ports [{string.Join(", ", active)}], " +
                    $"expected [{string.Join(", ", Silos.Select(s => s.SiloPort))}]; gateways ready: {gatewaysUp}.");
            }

            await Task.Delay(250);
        }
    }

    private async Task UntilActiveAsync(SiloSlot silo, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!(await ActivePortsAsync()).Contains(silo.SiloPort))
        {
            if (silo.Process!.HasExited)
            {
                throw new InvalidOperationException($"{silo.Name} exited at start:\n{silo.Process.OutputTail}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{silo.Name} not active after {timeout}:\n{silo.Process.OutputTail}");
            }

            await Task.Delay(250);
        }
    }

    private static async Task<bool> ReadyAsync(HttpClient http, GatewaySlot gateway)
    {
        if (gateway.Process is not { HasExited: false })
        {
            return false;
        }

        try
        {
            return (await http.GetAsync(new Uri(gateway.Address, "/health/ready"))).IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Silo ports the membership table lists as Active now (newest generation per port).</summary>
    public Task<HashSet<int>> ActivePortsAsync() => _membership.ActivePortsAsync();

    private void Keep(AppProcess process)
    {
        _finished.Add(process);
    }

    /// <summary>Writes every process's output tail (and PostgreSQL's log) into the run directory.</summary>
    public void SaveLogs()
    {
        foreach (var process in _finished.Concat(Silos.Select(s => s.Process)).Concat(Gateways.Select(g => g.Process)).OfType<AppProcess>())
        {
            File.WriteAllText(Path.Combine(_logDirectory, process.Name.Replace('#', '-') + ".log"), process.OutputTail);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            Signal(silo, "CONT");
        }

        foreach (var process in _finished.Concat(Silos.Select(s => s.Process)).Concat(Gateways.Select(g => g.Process)).OfType<AppProcess>())
        {
            await process.DisposeAsync();
        }

        await Postgres.DisposeAsync();
    }
}
