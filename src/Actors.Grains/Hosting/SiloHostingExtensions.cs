using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Actors.Hosting;

public static class SiloHostingExtensions
{
    /// <summary>
    /// Runs an Actors silo in this host: clustering from the <c>Orleans</c> section (PostgreSQL membership when
    /// <c>ConnectionStrings:Postgres</c> is set, else a single localhost silo) and <see cref="ActorsSiloBuilderExtensions.AddActors"/>.
    /// </summary>
    public static IHostApplicationBuilder AddActorsSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        var options = builder.Configuration.GetSection(OrleansHostingOptions.Section).Get<OrleansHostingOptions>() ?? new OrleansHostingOptions();
        builder.UseOrleans(silo =>
        {
            silo.UseActorsClustering(builder.Configuration, options);
            silo.AddActors();
            configure?.Invoke(silo);
        });
        builder.Services.BindOrleansTuning(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Optional tuning from configuration: <c>Orleans:Membership</c> (ClusterMembershipOptions, e.g. ProbeTimeout:
    /// how fast a dead silo is noticed) and <c>Orleans:Messaging</c> (e.g. ResponseTimeout: how long a call may wait).
    /// </summary>
    public static IServiceCollection BindOrleansTuning(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ClusterMembershipOptions>(configuration.GetSection("Orleans:Membership"));
        services.Configure<SiloMessagingOptions>(configuration.GetSection("Orleans:Messaging"));
        services.Configure<ClientMessagingOptions>(configuration.GetSection("Orleans:Messaging"));
        return services;
    }

    /// <summary>PostgreSQL membership when configured, else localhost clustering (one silo, the embedded mode).</summary>
    public static ISiloBuilder UseActorsClustering(this ISiloBuilder silo, IConfiguration configuration, OrleansHostingOptions options) =>
        configuration.PostgresConnectionString() is { } postgres
            ? silo.UseActorsPostgresClustering(postgres, options)
            : silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
}
