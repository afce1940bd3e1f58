namespace Actors.Hosting;

/// <summary>Settings of the <c>Orleans</c> configuration section (environment: <c>Orleans__ClusterId</c>, ...).</summary>
public sealed class OrleansHostingOptions
{
    public const string Section = "Orleans";

    /// <summary>Silos and clients with the same cluster id (and PostgreSQL database) form one cluster.</summary>
    public string ClusterId { get; set; } = "actors";

    /// <summary>Identifies the application's durable state (grain storage, reminders); keep it across deployments.</summary>
    public string ServiceId { get; set; } = "actors";

    /// <summary>Silo-to-silo port; each silo process on one machine needs its own.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients (the gateway in client mode) connect to; each silo process on one machine needs its own.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos and clients reach this silo at. Empty: the machine's first non-loopback IPv4 address
    /// (right in a container), or loopback when <see cref="UseLoopback"/> is set.
    /// </summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>Advertise 127.0.0.1: for several processes on one machine without a network.</summary>
    public bool UseLoopback { get; set; }

    /// <summary>Gateway only: <c>cohosted</c> (default: a silo in the gateway process) or <c>client</c> (an Orleans client of the cluster).</summary>
    public string Mode { get; set; } = "cohosted";
}
