namespace Actors.Postgres;

/// <summary>Tuning of <see cref="PostgresEventLog"/>'s group commit.</summary>
public sealed class PostgresEventLogOptions
{
    /// <summary>The configuration section (<c>EventLog__ConcurrentCommits=1</c> as an environment variable).</summary>
    public const string Section = "EventLog";

    /// <summary>Most appends (from different grains) committed in one transaction.</summary>
    public int MaxAppendsPerCommit { get; set; } = 512;

    /// <summary>
    /// Commits in flight at once from this process. Commits are serialized in the database (the log head lock), so
    /// more than 2 only queues; 2 lets one batch travel and bind while the other flushes WAL.
    /// </summary>
    public int ConcurrentCommits { get; set; } = 2;
}
