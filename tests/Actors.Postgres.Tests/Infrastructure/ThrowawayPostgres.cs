using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of its own for a test run: <c>initdb</c> into a temporary directory, <c>pg_ctl start</c> on a
/// free loopback port, stopped and deleted on dispose. Uses the installed binaries (Debian's postgresql package);
/// when the tests run as root (CI does), the server runs as the <c>postgres</c> user because initdb refuses root.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _dir;
    private readonly bool _asPostgresUser;

    private ThrowawayPostgres(string bin, string dir, int port, bool asPostgresUser)
    {
        _bin = bin;
        _dir = dir;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    public int Port { get; }

    public string DataDirectory => Path.Combine(_dir, "data");

    /// <summary>Connection string of the <c>postgres</c> superuser to database <c>postgres</c> (trust auth on loopback).</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50;Timeout=5;Command Timeout=30";

    /// <summary>Creates, starts and returns a new server. Extra <c>-c name=value</c> settings may be given.</summary>
    public static async Task<ThrowawayPostgres> StartAsync(params string[] settings)
    {
        var bin = FindBinaries();
        var asPostgresUser = Environment.UserName == "root";
        var dir = Path.Combine(Path.GetTempPath(), "actors-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        if (asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", dir], asPostgresUser: false);
        }

        var server = new ThrowawayPostgres(bin, dir, FreePort(), asPostgresUser);
        try
        {
            await server.RunToolAsync("initdb", ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
            var conf = string.Join('\n', new[]
            {
                $"port = {server.Port}",
                "listen_addresses = '127.0.0.1'",
                $"unix_socket_directories = '{dir}'",
                "max_connections = 200",
                "fsync = on",
                "synchronous_commit = on",
            }.Concat(settings)) + "\n";
            await File.AppendAllTextAsync(Path.Combine(server.DataDirectory, "postgresql.conf"), conf);
            await server.StartServerAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a fresh database (so tests sharing one server do not see each other's data).</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..10];
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    public Task StartServerAsync() =>
        RunToolAsync("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "30", "start"]);

    /// <summary>Stops the server; <paramref name="immediate"/> is a crash-like stop (no shutdown checkpoint).</summary>
    public Task StopServerAsync(bool immediate = false) =>
        RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "30", "stop"]);

    /// <summary>Runs one of the server's client tools (pgbench, psql...) against it and returns its standard output.</summary>
    public Task<string> RunClientAsync(string tool, params string[] args) => RunToolAsync(tool, args);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                await StopServerAsync(immediate: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the directory goes anyway.
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private Task<string> RunToolAsync(string tool, IReadOnlyList<string> args) =>
        RunAsync(Path.Combine(_bin, tool), args, _asPostgresUser);

    private static async Task<string> RunAsync(string file, IReadOnlyList<string> args, bool asPostgresUser)
    {
        var start = new ProcessStartInfo
        {
            FileName = asPostgresUser ? "runuser" : file,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgresUser)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }

        return await stdout;
    }

    private static string FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install them (apt-get install -y postgresql); .ci/run does.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
