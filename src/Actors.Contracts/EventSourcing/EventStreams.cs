using System.IO.Hashing;
using System.Text;
using Orleans.Runtime;

namespace Actors.EventSourcing;

/// <summary>
/// How aggregate streams in the log map to Orleans streams. Every event of a category (news, users, accounts, ...)
/// is delivered on one of <see cref="Partitions"/> Orleans streams of namespace = category, chosen by a stable hash
/// of the aggregate id, so the events of one aggregate stay in order and consumers can work per partition.
/// </summary>
public static class EventStreams
{
    /// <summary>Name of the Orleans stream provider that delivers domain events.</summary>
    public const string ProviderName = "events";

    /// <summary>Number of Orleans streams per category. Part of the storage contract: changing it re-partitions consumers.</summary>
    public const int Partitions = 8;

    /// <summary>The log stream id of an aggregate: <c>category-id</c>.</summary>
    public static string StreamOf(string category, string aggregateId) => $"{category}-{aggregateId}";

    /// <summary>The category part of a log stream id.</summary>
    public static string CategoryOf(string streamId)
    {
        var dash = streamId.IndexOf('-');
        return dash < 0 ? streamId : streamId[..dash];
    }

    /// <summary>The aggregate id part of a log stream id.</summary>
    public static string IdOf(string streamId)
    {
        var dash = streamId.IndexOf('-');
        return dash < 0 ? "" : streamId[(dash + 1)..];
    }

    /// <summary>The partition (0..Partitions-1) of a log stream. Stable across processes and versions (xxHash32).</summary>
    public static int PartitionOf(string streamId) =>
        (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(streamId)) % Partitions);

    /// <summary>The Orleans stream that carries the events of a log stream.</summary>
    public static StreamId OrleansStreamOf(string streamId) =>
        StreamId.Create(CategoryOf(streamId), PartitionOf(streamId).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
