using System.Diagnostics;
using Actors.EventSourcing;

namespace Actors.Postgres;

/// <summary>One append, or several that commit together or not at all, with whoever awaits the outcome.</summary>
internal sealed class PendingWrite
{
    public PendingWrite(PendingAppend[] appends, bool atomic)
    {
        Appends = appends;
        if (atomic)
        {
            Atomic = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        else
        {
            Single = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public PendingAppend[] Appends { get; }

    public TaskCompletionSource<IReadOnlyList<RecordedEvent>>? Single { get; }

    public TaskCompletionSource<IReadOnlyList<IReadOnlyList<RecordedEvent>>>? Atomic { get; }

    public long Queued { get; } = Stopwatch.GetTimestamp();

    public void Succeed(IReadOnlyList<RecordedEvent>[] recorded)
    {
        Single?.TrySetResult(recorded[0]);
        Atomic?.TrySetResult(recorded);
    }

    public void Fail(Exception error)
    {
        Single?.TrySetException(error);
        Atomic?.TrySetException(error);
    }
}

/// <summary>One stream's events as queued for a commit: already serialized, with their event ids.</summary>
internal sealed class PendingAppend(string streamId, long expectedVersion, IReadOnlyList<object> events, EventMetadata metadata, byte[][] payloads)
{
    public string StreamId { get; } = streamId;

    public long ExpectedVersion { get; } = expectedVersion;

    public IReadOnlyList<object> Events { get; } = events;

    public EventMetadata Metadata { get; } = metadata;

    public byte[][] Payloads { get; } = payloads;

    public Guid[] EventIds { get; } = events.Select(_ => Guid.CreateVersion7()).ToArray();
}
