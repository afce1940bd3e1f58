using Actors.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Serialization;

namespace Actors.Tests.Infrastructure;

/// <summary>A PostgreSQL event log outside any silo, on a fresh database with the project's schema applied.</summary>
public static class EventLogFactory
{
    public static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    public static async Task<(PostgresEventLog Log, NpgsqlDataSource DataSource)> CreateAsync(ThrowawayPostgres server, PostgresEventLogOptions? options = null)
    {
        var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        await PostgresSchema.ApplyAsync(dataSource);
        return (Open(dataSource, options), dataSource);
    }

    /// <summary>Another log instance on the same database: what another silo process would have.</summary>
    public static PostgresEventLog Open(NpgsqlDataSource dataSource, PostgresEventLogOptions? options = null) =>
        new(dataSource, Serializer, options ?? new PostgresEventLogOptions(), NullLogger<PostgresEventLog>.Instance);
}
