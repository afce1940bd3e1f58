using Actors.Hosting;
using Npgsql;
using Xunit;

namespace Actors.Tests.EventSourcing;

public sealed class ProviderConnectionStringTests
{
    [Fact]
    public void The_Orleans_providers_keep_their_connections_and_plans_between_calls_unless_told_otherwise()
    {
        var defaulted = new NpgsqlConnectionStringBuilder(PostgresSiloBuilderExtensions.WithPoolDefaults("Host=db;Username=actors;Database=actors"));
        Assert.True(defaulted.NoResetOnClose);
        Assert.Equal(32, defaulted.MaxAutoPrepare);
        Assert.Equal("db", defaulted.Host);

        var told = new NpgsqlConnectionStringBuilder(PostgresSiloBuilderExtensions.WithPoolDefaults("Host=db;No Reset On Close=false;Max Auto Prepare=0"));
        Assert.False(told.NoResetOnClose);
        Assert.Equal(0, told.MaxAutoPrepare);
    }
}
