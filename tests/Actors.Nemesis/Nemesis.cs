using System.Diagnostics;

namespace Actors.Nemesis;

/// <summary>
/// Injects faults on a schedule drawn from the seed: each cycle picks a kind and a silo, injects, heals, waits until
/// the cluster is whole again, then lets the clients run a few seconds before the next.
/// </summary>
public sealed class Nemesis(NemesisCluster cluster, NemesisOptions options, History history, TextWriter log)
{
    private readonly Random _random = new(options.Seed);

    public List<FaultRecord> Faults { get; } = [];

    /// <summary>When the cluster was last whole again after a fault (ms since the run started).</summary>
    public double LastHealed { get; private set; }

    /// <summary>Why partitions cannot be made here (null when they can).</summary>
    public string? PartitionUnavailable { get; private set; }

    public async Task RunAsync()
    {
        PartitionUnavailable = Partitions.Probe();
        var kinds = options.Faults.Where(k => k != FaultKind.Partition || PartitionUnavailable is null).ToArray();
        if (PartitionUnavailable is not null && options.Faults.Contains(FaultKind.Partition))
        {
            log.WriteLine($"partition: not available here ({PartitionUnavailable}); running the other faults");
        }

        if (kinds.Length == 0)
        {
            throw new InvalidOperationException("No fault can be injected here: " + PartitionUnavailable);
        }

        for (var cycle = 1; cycle <= options.Cycles; cycle++)
        {
            // Every kind in turn, shuffled per round, so a short run still tries each one.
            var kind = kinds[(cycle - 1) % kinds.Length];
            if ((cycle - 1) % kinds.Length == 0)
            {
                _random.Shuffle(kinds);
                kind = kinds[0];
            }

            var silo = cluster.Silos[_random.Next(cluster.Silos.Length)];
            var start = history.Now;
            string? note = null;
            switch (kind)
            {
                case FaultKind.Kill:
                    NemesisCluster.Kill(silo);
                    await Task.Delay(TimeSpan.FromSeconds(1 + _random.Next(4)));
                    cluster.StartSilo(silo);
                    break;
                case FaultKind.Pause:
                    var pause = TimeSpan.FromSeconds(5 + _random.Next((int)options.MaxPause.TotalSeconds - 4));
                    note = $"{pause.TotalSeconds:0} s";
                    NemesisCluster.Signal(silo, "STOP");
                    await Task.Delay(pause);
                    NemesisCluster.Signal(silo, "CONT");
                    break;
                case FaultKind.PostgresFast or FaultKind.PostgresImmediate:
                    await cluster.Postgres.StopServerAsync(immediate: kind == FaultKind.PostgresImmediate);
                    await Task.Delay(TimeSpan.FromSeconds(1 + _random.Next(5)));
                    await cluster.Postgres.StartServerAsync();
                    break;
                case FaultKind.Partition:
                    var cut = TimeSpan.FromSeconds(5 + _random.Next(16));
                    note = $"{cut.TotalSeconds:0} s";
                    using (Partitions.Cut(silo.SiloPort))
                    {
                        await Task.Delay(cut);
                    }

                    break;
            }

            var end = history.Now;
            var target = kind is FaultKind.PostgresFast or FaultKind.PostgresImmediate ? "postgres" : silo.Name;
            Faults.Add(new FaultRecord(cycle, NemesisOptions.NameOf(kind), target, start, end, note));
            log.WriteLine($"[{end / 1000,7:0.0}s] cycle {cycle}: {NemesisOptions.NameOf(kind)} {target} {note} ({(end - start) / 1000:0.0} s)");

            // A paused or cut-off silo the others declared dead stops itself: UntilWhole restarts it.
            await cluster.UntilWholeAsync(TimeSpan.FromSeconds(180), log);
            LastHealed = history.Now;
            log.WriteLine($"[{LastHealed / 1000,7:0.0}s] cluster whole again");
            await Task.Delay(TimeSpan.FromSeconds(2 + _random.Next(4)));
        }
    }
}

/// <summary>
/// A partition of one silo from the others: nftables rules dropping every packet to or from its silo-to-silo port
/// on loopback (the others cannot reach it, its messages get no answer), while it still reaches PostgreSQL and the
/// gateways still reach its gateway port. Needs the nft tool and CAP_NET_ADMIN.
/// </summary>
public static class Partitions
{
    /// <summary>Null when rules can be made here; otherwise why not.</summary>
    public static string? Probe()
    {
        var table = $"nemesis_probe_{Environment.ProcessId}";
        var (ok, output) = Nft($"add table inet {table}");
        if (!ok)
        {
            return $"nft refused: {output.Trim()}";
        }

        Nft($"delete table inet {table}");
        return null;
    }

    public static IDisposable Cut(int port)
    {
        var table = $"nemesis_{Environment.ProcessId}_{port}";
        var (ok, output) = Nft(string.Join('\n',
            $"add table inet {table}",
            $"add chain inet {table} input {{ type filter hook input priority -10 ; policy accept ; }}",
            $"add rule inet {table} input tcp dport {port} drop",
            $"add rule inet {table} input tcp sport {port} drop"));
        if (!ok)
        {
            throw new InvalidOperationException($"nft refused the partition rules: {output}");
        }

        return new Heal(table);
    }

    private sealed class Heal(string table) : IDisposable
    {
        public void Dispose() => Nft($"delete table inet {table}");
    }

    private static (bool Ok, string Output) Nft(string script)
    {
        try
        {
            var start = new ProcessStartInfo("nft", ["-f", "-"]) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
            using var process = Process.Start(start)!;
            process.StandardInput.Write(script + "\n");
            process.StandardInput.Close();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit(10_000);
            return (process.ExitCode == 0, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (false, $"nft not installed ({e.Message})");
        }
    }
}
