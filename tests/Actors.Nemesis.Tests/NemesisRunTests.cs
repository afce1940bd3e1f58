using System.Globalization;

namespace Actors.Nemesis.Tests;

/// <summary>
/// The short nemesis run: PostgreSQL, three silo processes, two gateway processes, clients over HTTP, ten faults (each
/// kind twice), a quiet phase, every checker: about three minutes. One seed by default (printed with the run directory on failure); NEMESIS_SEED chooses another.
/// </summary>
public sealed class NemesisRunTests
{
    [Fact]
    public async Task Given_a_cluster_under_load_when_every_kind_of_fault_strikes_then_the_history_checks_out_with_no_anomaly()
    {
        // One fault schedule for the suite (NEMESIS_SEED=random, or a number, for another one).
        var seed = Environment.GetEnvironmentVariable("NEMESIS_SEED") is { Length: > 0 } asked
            ? asked == "random" ? (Environment.TickCount & 0x7fff).ToString(CultureInfo.InvariantCulture) : asked
            : "26936";
        var runDirectory = Path.Combine(Path.GetTempPath(), $"nemesis-test-{DateTime.UtcNow:yyyyMMdd-HHmmss}-seed{seed}");
        var (options, error) = NemesisOptions.Parse(["--seed", seed, "--cycles", "10", "--max-pause", "15", "--quiet", "15", "--clients", "4", "--run-dir", runDirectory]);
        Assert.Null(error);
        var output = new StringWriter();

        var report = await NemesisRun.RunAsync(options!, TextWriter.Synchronized(output));

        Assert.True(report.Anomalies == 0, $"{report.Anomalies} anomalies (seed {seed}, run directory {runDirectory}):\n{report.Summary}");
        Assert.Equal(10, report.Faults.Count);
        Assert.True(report.Operations.Where(p => p.Key.StartsWith("transfer ok", StringComparison.Ordinal)).Sum(p => p.Value) > 50, report.Summary);
        Assert.All(report.Checks, c => Assert.DoesNotContain("undecided", string.Join(" ", c.Notes), StringComparison.Ordinal));
    }
}
