using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Actors.Hosting;

public static class SiloHostingExtensions
{
    /// <summary>
    /// Runs an Actors silo in this host: clustering from the <c>Orleans</c> section (PostgreSQL membership when
    /// <c>ConnectionStrings:Postgres</c> is set, else a single localhost silo) and <see cref="ActorsSiloBuilderExtensions.AddActors"/>.
    /// </summary>
    public static IHostApplicationBuilder AddActorsSilo(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(OrleansHostingOptions.Section).Get<OrleansHostingOptions>() ?? new OrleansHostingOptions();
        builder.UseOrleans(silo =>
        {
            silo.UseActorsClustering(builder.Configuration, options);
            silo.AddActors();
        });
        return builder;
    }

    /// <summary>PostgreSQL membership when configured, else localhost clustering (one silo, the embedded mode).</summary>
    public static ISiloBuilder UseActorsClustering(this ISiloBuilder silo, IConfiguration configuration, OrleansHostingOptions options) =>
        configuration.PostgresConnectionString() is { } postgres
            ? silo.UseActorsPostgresClustering(postgres, options)
            : silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
}
