using Actors.EventSourcing;
using Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;
using Xunit;

namespace Actors.Tests.EventSourcing;

/// <summary>
/// A grain call that fails because PostgreSQL is down carries a database error (an activation reading its state, a
/// storage provider). That error must reach the caller as itself, or the gateway cannot answer 503 and the caller
/// sees a serializer failure instead of the cause.
/// </summary>
public sealed class ExceptionSerializationTests
{
    private static Serializer Serializer() =>
        new ServiceCollection().AddSerializer().AddActorsExceptionSerialization().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void A_database_error_inside_a_grain_failure_crosses_the_wire_and_still_reads_as_storage_unavailable()
    {
        var failure = new OrleansException("activation failed", new PostgresException("the database system is shutting down", "FATAL", "FATAL", "57P03"));
        var serializer = Serializer();

        var received = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(failure));

        var inner = Assert.IsAssignableFrom<NpgsqlException>(received?.InnerException);
        Assert.Contains("shutting down", inner.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void This_systems_own_exceptions_cross_the_wire_with_their_type_and_message()
    {
        var serializer = Serializer();

        var received = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(new EventLogUnavailableException("log down")));

        Assert.Equal("log down", Assert.IsType<EventLogUnavailableException>(received).Message);
    }
}
