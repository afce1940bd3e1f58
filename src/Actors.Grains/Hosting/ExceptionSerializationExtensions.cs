using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Actors.Hosting;

public static class ExceptionSerializationExtensions
{
    /// <summary>
    /// Lets this system's exceptions (namespace <c>Actors.*</c>, e.g. <see cref="Actors.EventSourcing.WrongExpectedVersionException"/>,
    /// <see cref="Actors.EventSourcing.EventLogUnavailableException"/>) cross from grains to callers with their type and
    /// message. Orleans serializes only Microsoft/System/Azure exceptions by default and fails the call otherwise.
    /// Needed on silos and on clients.
    /// </summary>
    public static IServiceCollection AddActorsExceptionSerialization(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Actors"));
}
