using System.Globalization;

namespace Actors.Nemesis.Tests;

/// <summary>
/// The short nemesis run: PostgreSQL, three silo processes, two gateway processes, clients over HTTP, a fault of
/// every kind, a quiet phase, every checker. A new seed each time (printed with the run directory on failure).
/// </summary>
public sealed class NemesisRunTests
{
    [Fact]
    public async Task Given_a_cluster_under_load_when_every_kind_of_fault_strikes_then_the_history_checks_out_with_no_anomaly()
    {
        var seed = (Environment.TickCount & 0x7fff).ToString(CultureInfo.InvariantCulture);
        var runDirectory = Path.Combine(Path.GetTempPath(), $"nemesis-test-{DateTime.UtcNow:yyyyMMdd-HHmmss}-seed{seed}");
        var (options, error) = NemesisOptions.Parse(["--seed", seed, "--cycles", "5", "--max-pause", "15", "--quiet", "15", "--clients", "4", "--run-dir", runDirectory]);
        Assert.Null(error);
        var output = new StringWriter();

        var report = await NemesisRun.RunAsync(options!, TextWriter.Synchronized(output));

        Assert.True(report.Anomalies == 0, $"{report.Anomalies} anomalies (seed {seed}, run directory {runDirectory}):\n{report.Summary}");
        Assert.Equal(5, report.Faults.Count);
        Assert.True(report.Operations.Where(p => p.Key.StartsWith("transfer ok", StringComparison.Ordinal)).Sum(p => p.Value) > 50, report.Summary);
        Assert.All(report.Checks, c => Assert.DoesNotContain("undecided", string.Join(" ", c.Notes), StringComparison.Ordinal));
    }
}
