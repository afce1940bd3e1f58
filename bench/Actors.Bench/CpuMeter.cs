using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Bench;

/// <summary>
/// CPU spent over a measured span by this process (the silo) and by the PostgreSQL server processes on this machine,
/// so a phase can report CPU per operation: steadier than throughput on a shared machine, and it tells whether the
/// silo or the database is the cost. PostgreSQL's share is read from /proc (Linux; 0 elsewhere): the bench's server
/// (its postmaster and the postmaster's children, so another server on the machine is not counted), including other
/// databases' work on it in the same span.
/// </summary>
internal sealed class CpuMeter
{
    /// <summary>The PostgreSQL server's postmaster process id, found by <see cref="FindPostmasterAsync"/>; 0 = not measured.</summary>
    public static int Postmaster { get; private set; }

    /// <summary>Finds the postmaster of the server behind <paramref name="connectionString"/> (it is the parent of the session's backend).</summary>
    public static async Task FindPostmasterAsync(string connectionString)
    {
        try
        {
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT pg_backend_pid()", connection);
            var backend = (int)(await command.ExecuteScalarAsync())!;
            Postmaster = int.Parse(StatFields(File.ReadAllText($"/proc/{backend}/stat"))[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Npgsql.NpgsqlException)
        {
            Postmaster = 0; // a remote server, or not Linux: report the silo's CPU only
        }
    }

    /// <summary>With BENCH_PG_STATS set (see postgres-bench.sh): statement statistics restart here, so they cover the phase that follows.</summary>
    public static async Task ResetStatementStatsAsync(IServiceProvider services)
    {
        if (Environment.GetEnvironmentVariable("BENCH_PG_STATS") is not { Length: > 0 })
        {
            return;
        }

        var dataSource = services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        await using var command = dataSource.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()");
        await command.ExecuteNonQueryAsync();
    }

    private const double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly TimeSpan _silo = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly double _postgres = PostgresSeconds();
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan _gcPause = GC.GetTotalPauseDuration();
    private readonly int _gen2 = GC.CollectionCount(2);

    /// <summary>"silo X µs + PostgreSQL Y µs of CPU per op" for <paramref name="operations"/> done since construction.</summary>
    public string PerOperation(long operations)
    {
        var silo = (Process.GetCurrentProcess().TotalProcessorTime - _silo).TotalSeconds;
        var postgres = PostgresSeconds() - _postgres;
        var wall = _wall.Elapsed.TotalSeconds;
        return operations <= 0
            ? "no operations"
            : $"CPU per op: silo {silo / operations * 1e6:F0} µs + PostgreSQL {postgres / operations * 1e6:F0} µs " +
              $"(silo {silo / wall:F2} cores, PostgreSQL {postgres / wall:F2} cores; silo GC paused {(GC.GetTotalPauseDuration() - _gcPause).TotalMilliseconds / wall / 10:F1}% " +
              $"of the time, {GC.CollectionCount(2) - _gen2} gen2 collections, {GC.GetTotalMemory(false) >> 20} MB heap)";
    }

    private static double PostgresSeconds()
    {
        double ticks = 0;
        if (Postmaster == 0)
        {
            return 0;
        }

        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                try
                {
                    if (!int.TryParse(Path.GetFileName(dir), out var pid))
                    {
                        continue;
                    }

                    var fields = StatFields(File.ReadAllText(Path.Combine(dir, "stat")));
                    if (pid != Postmaster && fields[1] != Postmaster.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    {
                        continue;
                    }

                    ticks += double.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture)
                             + double.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                    if (pid == Postmaster)
                    {
                        // Its children that have exited (a connection closed by the pool): their CPU stays counted.
                        ticks += double.Parse(fields[13], System.Globalization.CultureInfo.InvariantCulture)
                                 + double.Parse(fields[14], System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
                catch (IOException)
                {
                    // The process ended meanwhile.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            return 0; // not Linux
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>/proc/[pid]/stat after the parenthesised name: [0] state (field 3), [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.</summary>
    private static string[] StatFields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
}
