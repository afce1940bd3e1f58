using System.Globalization;
using Npgsql;

namespace Actors.Tests.Infrastructure;

/// <summary>
/// One cluster of built silo and gateway processes over a throwaway PostgreSQL: the settings each process is started
/// with, and what the membership table says of its silos. Shared by the fault tests' <c>ProcessCluster</c> and the
/// nemesis harness (linked into it).
/// </summary>
public sealed class ClusterMembership(string connectionString, string clusterId)
{
    /// <summary>Membership status of an active silo in Orleans' table (6 is dead).</summary>
    public const int Active = 3;

    public string ConnectionString => connectionString;

    public string ClusterId => clusterId;

    /// <summary>Settings every process of the cluster gets, as environment variables (the documented ones).</summary>
    public Dictionary<string, string> Settings(int siloPort, int gatewayPort) => new()
    {
        ["ConnectionStrings__Postgres"] = connectionString,
        ["Orleans__ClusterId"] = clusterId,
        ["Orleans__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
        ["Orleans__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        ["Orleans__UseLoopback"] = "true",
        // Notice a dead, paused or cut-off silo in seconds rather than the production default (tens of seconds).
        ["Orleans__Membership__ProbeTimeout"] = "00:00:01",
        ["Orleans__Membership__IAmAliveTablePublishTimeout"] = "00:00:05",
        ["Orleans__Messaging__ResponseTimeout"] = "00:00:10",
    };

    /// <summary>Status of the silo on <paramref name="siloPort"/> (its newest generation), or null when not listed or unreadable.</summary>
    public async Task<int?> StatusAsync(int siloPort) =>
        (await StatusesAsync()).TryGetValue(siloPort, out var status) ? status : null;

    /// <summary>Silo ports listed as Active now (newest generation per port); empty while PostgreSQL cannot be read.</summary>
    public async Task<HashSet<int>> ActivePortsAsync() =>
        [.. (await StatusesAsync()).Where(s => s.Value == Active).Select(s => s.Key)];

    private async Task<Dictionary<int, int>> StatusesAsync()
    {
        try
        {
            // Not pooled: a PostgreSQL restart (a fault the tests inject) must not leave a broken pooled connection behind.
            await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT DISTINCT ON (port) port, status FROM orleansmembershiptable WHERE deploymentid = $1 ORDER BY port, generation DESC", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
            var statuses = new Dictionary<int, int>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                statuses[reader.GetInt32(0)] = reader.GetInt32(1);
            }

            return statuses;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return [];
        }
    }
}
