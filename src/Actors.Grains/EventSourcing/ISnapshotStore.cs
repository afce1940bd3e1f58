namespace Actors.EventSourcing;

/// <summary>
/// Latest snapshot per stream: an optimization for long streams, never the truth. A missing, unreadable, old-shape or
/// inconsistent snapshot only means the aggregate folds its whole stream, as without one.
/// </summary>
public interface ISnapshotStore
{
    /// <summary>The latest snapshot of <paramref name="streamId"/>, if any.</summary>
    Task<StoredSnapshot?> ReadAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>Keeps <paramref name="snapshot"/> unless a snapshot at a later version is already stored.</summary>
    Task WriteAsync(string streamId, StoredSnapshot snapshot, CancellationToken cancellationToken = default);
}

/// <param name="Version">The stream version the state was folded up to (its last event).</param>
/// <param name="Shape">Names the state's type and layout; a snapshot of another shape is ignored.</param>
/// <param name="Payload">The state, serialized (System.Text.Json, UTF-8).</param>
public sealed record StoredSnapshot(long Version, string Shape, byte[] Payload);
