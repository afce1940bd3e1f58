using Actors.EventSourcing;

namespace Actors.News;

/// <summary>The event at log position <see cref="Position"/> concerns user <see cref="UserId"/>'s news activity.</summary>
public readonly record struct UserActivityRow(long UserId, long Position);

/// <summary>
/// Which log positions concern which user's news activity (<see cref="UserNewsGrain"/>'s lists), so that a user's lists
/// rebuild from that user's events instead of the whole news category: the cost of a rebuild follows the user's
/// history, not the site's. Kept by <see cref="NewsActivityFeedGrain"/> as it consumes the news events. Only durable
/// modes have one: in memory mode the user grains are fed from their first activation and never rebuild.
/// </summary>
public interface IUserActivityIndex
{
    /// <summary>Records <paramref name="rows"/>, all in one statement; rows already there are left as they are.</summary>
    Task AddAsync(IReadOnlyList<UserActivityRow> rows, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether every event of the log that concerns a user has its row. False on a log written before the index existed
    /// until its backfill has finished: readers then fold the whole news category instead.
    /// </summary>
    Task<bool> IsCompleteAsync(CancellationToken cancellationToken = default);

    /// <summary>The events that concern <paramref name="userId"/>, in log order.</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadAsync(long userId, CancellationToken cancellationToken = default);
}

/// <summary>Who a news event concerns, for the user activity lists.</summary>
public static class UserActivity
{
    /// <summary>
    /// The user whose lists <paramref name="data"/> belongs to (the author of a submission or comment, the voter of a
    /// vote), or null: exactly the events <see cref="UserNewsGrain"/> keeps.
    /// </summary>
    public static long? UserOf(object data) => data switch
    {
        NewsSubmitted s => s.UserId,
        NewsUpvoted v => v.VoterId,
        NewsDownvoted v => v.VoterId,
        CommentPosted c => c.UserId,
        _ => null,
    };

    /// <summary>The index rows of <paramref name="events"/>.</summary>
    public static List<UserActivityRow> RowsOf(IEnumerable<RecordedEvent> events)
    {
        var rows = new List<UserActivityRow>();
        foreach (var recorded in events)
        {
            if (UserOf(recorded.Data) is { } userId)
            {
                rows.Add(new UserActivityRow(userId, recorded.Position));
            }
        }

        return rows;
    }
}
