using Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// Silo processes (the built Actors.Silo), an optional gateway process in client mode, and an Orleans client in the
/// test, all in one cluster through PostgreSQL membership on a throwaway server.
/// </summary>
public sealed class ProcessCluster(string connectionString) : IAsyncDisposable
{
    private readonly ClusterMembership _membership = new(connectionString, "c" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<AppProcess> _processes = [];
    private IHost? _clientHost;

    public string ConnectionString => connectionString;

    public List<AppProcess> Silos { get; } = [];

    private Dictionary<string, string> Settings(int siloPort, int gatewayPort) => _membership.Settings(siloPort, gatewayPort);

    private static Dictionary<string, string> With(Dictionary<string, string> settings, IReadOnlyDictionary<string, string>? extra)
    {
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A silo process, with <paramref name="extra"/> settings on top of the cluster's; answers once it is active.</summary>
    public async Task<AppProcess> StartSiloAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var siloPort = AppProcess.FreePort();
        var silo = AppProcess.Start("Actors.Silo", $"silo-{Silos.Count + 1}", With(Settings(siloPort, AppProcess.FreePort()), extra));
        _processes.Add(silo);
        Silos.Add(silo);
        await Eventually(async () =>
        {
            if (silo.HasExited)
            {
                throw new InvalidOperationException($"{silo.Name} exited:\n{silo.OutputTail}");
            }

            return await SiloStatusAsync(siloPort) == 3;
        }, $"{silo.Name} active in the membership table", TimeSpan.FromSeconds(90));
        return silo;
    }

    /// <summary>Runs the silo with <paramref name="arguments"/> (a command such as <c>seed</c>) to its end; answers its exit code.</summary>
    public async Task<(int ExitCode, string Output)> RunSiloCommandAsync(TimeSpan timeout, params string[] arguments)
    {
        await using var command = AppProcess.Start("Actors.Silo", "silo-command", Settings(AppProcess.FreePort(), AppProcess.FreePort()), arguments);
        using var cancel = new CancellationTokenSource(timeout);
        await command.WaitForExitAsync(cancel.Token);
        return (command.ExitCode, command.OutputTail);
    }

    /// <summary>A gateway process in client mode, with <paramref name="extra"/> settings on top of the cluster's.</summary>
    public async Task<(AppProcess Process, Uri Address)> StartGatewayAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var port = AppProcess.FreePort();
        var settings = With(Settings(AppProcess.FreePort(), AppProcess.FreePort()), extra);
        settings["Orleans__Mode"] = "client";
        settings["Urls"] = $"http://127.0.0.1:{port}";
        var gateway = AppProcess.Start("Actors.Gateway", "gateway", settings);
        _processes.Add(gateway);
        return (gateway, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>Whether the gateway behind <paramref name="http"/> answers <c>/health/ready</c> with success (false while unreachable).</summary>
    public static async Task<bool> GatewayReadyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>An Orleans client in the test process, connected like the gateway in client mode.</summary>
    public async Task<IClusterClient> ConnectClientAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client.UseActorsPostgresClustering(connectionString, new OrleansHostingOptions { ClusterId = _membership.ClusterId }));
        builder.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddActorsExceptionSerialization();
        _clientHost = builder.Build();
        await _clientHost.StartAsync();
        return _clientHost.Services.GetRequiredService<IClusterClient>();
    }

    public async Task StopClientAsync()
    {
        if (_clientHost is not null)
        {
            await _clientHost.StopAsync();
            _clientHost.Dispose();
            _clientHost = null;
        }
    }

    /// <summary>Membership status of the silo on <paramref name="siloPort"/> (3 = Active, 6 = Dead), or null.</summary>
    public Task<int?> SiloStatusAsync(int siloPort) => _membership.StatusAsync(siloPort);

    /// <summary>Number of silos the membership table lists as Active.</summary>
    public async Task<int> ActiveSilosAsync() => (await _membership.ActivePortsAsync()).Count;

    public string Diagnostics() => string.Join("\n", _processes.Select(p => $"--- {p.Name} (exited: {p.HasExited})\n{p.OutputTail}"));

    public async Task StopAllAsync()
    {
        await StopClientAsync();
        await Task.WhenAll(_processes.Select(p => p.StopAsync()));
        _processes.Clear();
        Silos.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopClientAsync();
        }
        catch (Exception)
        {
            // The cluster may already be gone; the processes are killed below regardless.
        }

        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }
}
