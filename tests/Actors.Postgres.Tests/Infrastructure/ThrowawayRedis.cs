using System.Diagnostics;
using StackExchange.Redis;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// A Redis server of its own for a test: Debian's <c>redis-server</c> on a free loopback port, persisting nothing
/// (<c>--save ''</c>, no append-only file) in a temporary directory; killed and deleted on dispose.
/// </summary>
public sealed class ThrowawayRedis : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private ThrowawayRedis(Process process, string dir, int port, ConnectionMultiplexer connection)
    {
        _process = process;
        _dir = dir;
        Port = port;
        Connection = connection;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public ConnectionMultiplexer Connection { get; }

    public IDatabase Db => Connection.GetDatabase();

    public static async Task<ThrowawayRedis> StartAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "actors-redis-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        var port = AppProcess.FreePort();
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (var a in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no" })
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server (apt-get install redis-server).");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var connection = await Polling.Eventually(
            async () =>
            {
                Assert.False(process.HasExited, "redis-server exited at start-up.");
                try
                {
                    return await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { { "127.0.0.1", port } }, ConnectTimeout = 1000, AbortOnConnectFail = true });
                }
                catch (RedisConnectionException)
                {
                    return null;
                }
            },
            c => c is not null, "redis-server answers", TimeSpan.FromSeconds(20));
        return new ThrowawayRedis(process, dir, port, connection!);
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
