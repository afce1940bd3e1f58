namespace Actors.Tests.Infrastructure;

/// <summary>One throwaway PostgreSQL server shared by a test collection; each test asks for its own database.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public ThrowawayPostgres Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ThrowawayPostgres.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
