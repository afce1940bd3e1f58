using System.Reflection;
using Npgsql;

namespace Actors.Postgres;

/// <summary>
/// The project's SQL (deploy/sql, embedded in this assembly): event log, snapshots, checkpoints, parked events and
/// the Orleans ADO.NET tables and queries. Every script is idempotent and takes the same advisory lock, so silos
/// starting together apply it one after the other.
/// </summary>
public static class PostgresSchema
{
    private const string Prefix = "Actors.Sql.";

    /// <summary>The scripts in the order they are applied (by file name).</summary>
    public static IReadOnlyList<(string Name, string Sql)> Scripts { get; } = LoadScripts();

    public static async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var (_, sql) in Scripts)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 120 };
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static List<(string, string)> LoadScripts()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[Prefix.Length..], Read(assembly, n)))
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
