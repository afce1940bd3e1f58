using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Actors.Hosting;

public static class ExceptionSerializationExtensions
{
    /// <summary>
    /// Lets this system's exceptions (namespace <c>Actors.*</c>, e.g. <see cref="Actors.EventSourcing.WrongExpectedVersionException"/>,
    /// <see cref="Actors.EventSourcing.EventLogUnavailableException"/>) cross from grains to callers with their type and
    /// message, and Npgsql's under them: an activation or a storage provider that fails because PostgreSQL is down
    /// wraps a <c>PostgresException</c>, and the gateway answers 503 only if that cause arrives. Orleans serializes
    /// only Microsoft/System/Azure exceptions by default; any other type in a failure's chain fails the reply itself
    /// with a <c>CodecNotFoundException</c> that hides the cause. Needed on silos and on clients.
    /// </summary>
    public static IServiceCollection AddActorsExceptionSerialization(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o =>
        {
            o.SupportedNamespacePrefixes.Add("Actors");
            o.SupportedNamespacePrefixes.Add("Npgsql");
        });
}
