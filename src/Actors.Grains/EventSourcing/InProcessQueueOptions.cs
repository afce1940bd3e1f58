namespace Actors.EventSourcing;

/// <summary>Limits of the in-memory mode's in-process stream queues (configuration section <c>InProcessStreams</c>).</summary>
public sealed class InProcessQueueOptions
{
    public const string Section = "InProcessStreams";

    /// <summary>
    /// Most publishes waiting on one queue (of <see cref="EventStreams.Partitions"/>) for its pulling agent; past it
    /// a publisher waits for room instead of the queue growing. Default 4,096 (the agent's cache holds as many more).
    /// </summary>
    public int QueueCapacity { get; set; } = 4_096;

    /// <summary>
    /// Longest a publisher waits for room; then it enqueues anyway (nothing is ever dropped). A consumer that itself
    /// publishes (a karma credit, an account opened on sign-up) could otherwise wait for a queue whose own consumer
    /// waits for this one. Default 2 s.
    /// </summary>
    public TimeSpan MaxPublishWait { get; set; } = TimeSpan.FromSeconds(2);
}
