using System.Globalization;

namespace Actors.Nemesis;

/// <summary>The faults the nemesis can inject (command-line names in <see cref="NemesisOptions.FaultNames"/>).</summary>
public enum FaultKind
{
    Kill,
    Pause,
    PostgresFast,
    PostgresImmediate,
    Partition,
}

/// <summary>What a run does: its seed, how many fault cycles, which faults, where it writes.</summary>
public sealed record NemesisOptions(
    int Seed,
    int Cycles,
    IReadOnlyList<FaultKind> Faults,
    string RunDirectory,
    int Clients,
    TimeSpan QuietPhase,
    TimeSpan MaxPause)
{
    public static readonly IReadOnlyDictionary<string, FaultKind> FaultNames = new Dictionary<string, FaultKind>(StringComparer.Ordinal)
    {
        ["kill"] = FaultKind.Kill,
        ["pause"] = FaultKind.Pause,
        ["pg-fast"] = FaultKind.PostgresFast,
        ["pg-immediate"] = FaultKind.PostgresImmediate,
        ["partition"] = FaultKind.Partition,
    };

    public const string Usage =
        "usage: Actors.Nemesis [--seed <int>] [--cycles <int>] [--faults kill,pause,pg-fast,pg-immediate,partition]\n" +
        "                      [--clients <int>] [--quiet <seconds>] [--max-pause <seconds 5-40>] [--run-dir <path>]";

    public static string NameOf(FaultKind kind) => FaultNames.First(p => p.Value == kind).Key;

    /// <summary>Parses the command line; answers the options, or a sentence saying what is wrong.</summary>
    public static (NemesisOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var seed = Environment.TickCount & 0x7fffffff;
        var cycles = 10;
        var clients = 6;
        var quiet = 20;
        var maxPause = 40;
        IReadOnlyList<FaultKind> faults = [.. FaultNames.Values];
        string? runDir = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count)
            {
                return (null, $"{name} needs a value.\n{Usage}");
            }

            var value = args[++i];
            string? error = name switch
            {
                "--seed" => Number(name, value, 0, int.MaxValue, out seed),
                "--cycles" => Number(name, value, 1, 100_000, out cycles),
                "--clients" => Number(name, value, 1, 64, out clients),
                "--quiet" => Number(name, value, 5, 3600, out quiet),
                "--max-pause" => Number(name, value, 5, 40, out maxPause),
                "--faults" => ParseFaults(value, out faults),
                "--run-dir" => value.Length == 0 ? "--run-dir needs a path." : Set(value, out runDir),
                _ => $"Unknown option '{name}'.",
            };
            if (error is not null)
            {
                return (null, $"{error}\n{Usage}");
            }
        }

        runDir ??= Path.Combine(Path.GetTempPath(), $"nemesis-{DateTime.UtcNow:yyyyMMdd-HHmmss}-seed{seed}");
        return (new NemesisOptions(seed, cycles, faults, runDir, clients, TimeSpan.FromSeconds(quiet), TimeSpan.FromSeconds(maxPause)), null);
    }

    private static string? Set(string value, out string? target)
    {
        target = value;
        return null;
    }

    private static string? Number(string name, string value, int min, int max, out int result)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result))
        {
            return $"{name} must be a whole number, not '{value}'.";
        }

        return result < min || result > max ? $"{name} must be between {min} and {max}, not {result}." : null;
    }

    private static string? ParseFaults(string value, out IReadOnlyList<FaultKind> faults)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => !FaultNames.ContainsKey(n)).ToArray();
        faults = [.. names.Where(FaultNames.ContainsKey).Select(n => FaultNames[n]).Distinct()];
        if (unknown.Length > 0)
        {
            return $"Unknown fault '{string.Join("', '", unknown)}': the faults are {string.Join(", ", FaultNames.Keys)}.";
        }

        return faults.Count == 0 ? "--faults names no fault." : null;
    }
}
