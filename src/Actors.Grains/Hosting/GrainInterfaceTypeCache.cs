using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Serialization.TypeSystem;

namespace Actors.Hosting;

/// <summary>
/// Orleans resolves the grain interface type of <c>GetGrain&lt;T&gt;(key)</c> on every call, by reading the interface's
/// custom attributes and formatting its type name: about a tenth of the CPU of an up-vote (six grain references per
/// vote). This puts one provider in front of Orleans' own that asks them once per interface and remembers the answer;
/// the answers themselves (the names on the wire) do not change.
/// </summary>
internal static class GrainInterfaceTypeCache
{
    public static IServiceCollection CacheGrainInterfaceTypes(this IServiceCollection services)
    {
        var originals = services.Where(d => d.ServiceType == typeof(IGrainInterfaceTypeProvider) && !d.IsKeyedService).ToArray();
        if (originals.Length == 0 || services.Any(d => d.ServiceType == typeof(CachingProvider)))
        {
            return services;
        }

        foreach (var descriptor in originals)
        {
            services.Remove(descriptor);
        }

        services.AddSingleton(sp => new CachingProvider(new GrainInterfaceTypeResolver(
            originals.Select(d => Create(sp, d)).ToArray(), sp.GetRequiredService<TypeConverter>())));
        services.AddSingleton<IGrainInterfaceTypeProvider>(sp => sp.GetRequiredService<CachingProvider>());
        return services;
    }

    private static IGrainInterfaceTypeProvider Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IGrainInterfaceTypeProvider)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    /// <summary>The answer of Orleans' providers, or else of its naming convention, once per interface type.</summary>
    private sealed class CachingProvider(GrainInterfaceTypeResolver inner) : IGrainInterfaceTypeProvider
    {
        private readonly ConcurrentDictionary<Type, GrainInterfaceType> _types = new();

        public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
        {
            grainInterfaceType = _types.GetOrAdd(type, inner.GetGrainInterfaceType);
            return true;
        }
    }
}
