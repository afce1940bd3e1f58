using Npgsql;

namespace Actors.Tests.Infrastructure;

[Collection(PostgresCollection.Name)]
public class ThrowawayPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_throwaway_server_answers_on_its_own_loopback_port_with_durable_commits()
    {
        await using var connection = new NpgsqlConnection(await postgres.Server.CreateDatabaseAsync());
        await connection.OpenAsync();

        await using var command = new NpgsqlCommand("SELECT current_setting('synchronous_commit') || '/' || current_setting('fsync') || '/' || current_setting('port')", connection);
        var settings = (string?)await command.ExecuteScalarAsync();

        Assert.Equal($"on/on/{postgres.Server.Port}", settings);
    }

    [Fact]
    public async Task A_server_that_was_stopped_and_started_again_still_has_its_data()
    {
        await using var server = await ThrowawayPostgres.StartAsync();
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE kept(x int); INSERT INTO kept VALUES (42);", connection);
            await create.ExecuteNonQueryAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await server.StopServerAsync(immediate: true);
        await server.StartServerAsync();

        await using var again = new NpgsqlConnection(server.ConnectionString);
        await again.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT x FROM kept", again);
        Assert.Equal(42, await read.ExecuteScalarAsync());
    }
}
