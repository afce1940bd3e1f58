using System.Net;

namespace Actors.Gateway.Hosting;

/// <summary>How the gateway counts and trusts a caller's address (socket caps, login limits, the metrics rule).</summary>
internal static class ClientAddress
{
    /// <summary>
    /// The key a caller is counted under: IPv4 as is (also when mapped into IPv6), IPv6 by its /64 prefix (one host
    /// usually owns the whole prefix), <c>local</c> without an address (the in-process test server, a Unix socket).
    /// </summary>
    public static string KeyOf(IPAddress? remote)
    {
        if (remote is null)
        {
            return "local";
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            return remote.MapToIPv4().ToString();
        }

        if (remote.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = remote.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return remote.ToString();
    }

    /// <summary>The host itself: no address, or loopback (also an IPv4 loopback mapped into IPv6).</summary>
    public static bool IsLocal(IPAddress? remote) => remote is null || IPAddress.IsLoopback(remote)
        || (remote.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(remote.MapToIPv4()));
}
