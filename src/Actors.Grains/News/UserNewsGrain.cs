using Actors.EventSourcing;
using Microsoft.Extensions.Options;

namespace Actors.News;

/// <summary>
/// One user's news activity (key = user id): news posted, news up-voted ("saved"), votes, comments. Kept in memory,
/// fed by <see cref="NewsActivityFeedGrain"/>, in compact lists (<see cref="UserNewsLists"/>, which also make every event
/// idempotent); pages and vote lookups copy out only what they answer.
/// <para>
/// In the in-memory mode the grain stays active (the log and this grain die together), and its first activation is
/// caused by the first event that concerns the user (or by a read, when there is nothing yet), so it has seen every
/// event and needs no rebuild. Scanning the whole log per activated user was the first thing the vote benchmark found:
/// it held the log while every vote waited to append. In durable modes it rebuilds from the log on its first read, so
/// it is collected when idle like any grain (it was kept for the silo's lifetime there too: one activation per user
/// who ever submitted, voted or commented).
/// </para>
/// </summary>
public sealed class UserNewsGrain(IEventLog log, IOptions<EventDeliveryOptions> delivery, IUserActivityIndex? index = null) : Grain, IUserNewsGrain
{
    private UserNewsLists _lists = null!;
    // Durable modes, before the first read: the events delivered meanwhile (only those about this user, without their
    // envelopes), applied after the rebuild.
    private readonly List<INewsEvent> _early = [];
    private bool _rebuilt;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lists = new UserNewsLists(this.GetPrimaryKeyLong());
        _rebuilt = delivery.Value.PublishAfterAppend;
        if (_rebuilt)
        {
            DelayDeactivation(TimeSpan.MaxValue); // in memory, this activation is the read model's only copy
        }

        return base.OnActivateAsync(cancellationToken);
    }

    public Task Apply(RecordedEvent recorded)
    {
        if (recorded.Data is not INewsEvent e)
        {
            return Task.CompletedTask;
        }

        if (_rebuilt)
        {
            _lists.Apply(e);
        }
        else if (_lists.Concerns(e))
        {
            // Not rebuilt yet: keep it for the rebuild (which may or may not have it, depending on when it runs).
            _early.Add(e);
        }

        return Task.CompletedTask;
    }

    public async Task ApplyMany(IReadOnlyList<RecordedEvent> recorded)
    {
        foreach (var e in recorded)
        {
            await Apply(e);
        }
    }

    public async Task<NewsIdPage> GetPosted(int start, int count)
    {
        await EnsureRebuiltAsync();
        return new NewsIdPage(_lists.Posted(start, count), _lists.PostedCount);
    }

    public async Task<NewsIdPage> GetSaved(int start, int count)
    {
        await EnsureRebuiltAsync();
        return new NewsIdPage(_lists.Saved(start, count), _lists.SavedCount);
    }

    public async Task<CommentRefPage> GetComments(int start, int count)
    {
        await EnsureRebuiltAsync();
        return new CommentRefPage(_lists.Comments(start, count), _lists.CommentCount);
    }

    public async Task<IReadOnlyDictionary<long, VoteDirection>> GetVotes(IReadOnlyList<long> newsIds)
    {
        await EnsureRebuiltAsync();
        var votes = new Dictionary<long, VoteDirection>();
        foreach (var id in newsIds)
        {
            if (_lists.VoteOn(id) is { } direction)
            {
                votes[id] = direction;
            }
        }

        return votes;
    }

    public async Task<bool> HasApplied(IReadOnlyList<NewsWritten> written)
    {
        await EnsureRebuiltAsync();
        foreach (var w in written)
        {
            if (!_lists.Holds(w.NewsId, w.Fact, w.CommentId))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Durable modes: the first read folds the user's events of the log (then the events delivered meanwhile; both are
    /// idempotent). Done on the first read, not on activation: activations caused by the vote feed (every new voter)
    /// must not each read the log inside the delivery path, which held up every other consumer of the partition (the
    /// ranking among them) and loaded the database the appends need.
    /// </summary>
    private async Task EnsureRebuiltAsync()
    {
        if (_rebuilt)
        {
            return;
        }

        if (index is not null && await index.IsCompleteAsync())
        {
            // Only this user's events, through the user activity index: the cost follows the user's history, not the
            // site's. No event that concerns the user is missed. The consumer writes an event's index row before it
            // acknowledges the event and before it calls Apply here, so an event is either indexed by the time of this
            // read, or its Apply comes after it: this grain takes one call at a time, and until _rebuilt is set it keeps
            // delivered events in _early (applied below, each idempotent by itself). Below the point where the live
            // consumer took over, the backfill indexed them, and the index only counts as complete once it has.
            foreach (var recorded in await index.ReadAsync(this.GetPrimaryKeyLong()))
            {
                if (recorded.Data is INewsEvent e)
                {
                    _lists.Apply(e);
                }
            }
        }
        else
        {
            await FoldNewsCategoryAsync();
        }

        foreach (var e in _early)
        {
            _lists.Apply(e);
        }

        _early.Clear();
        _rebuilt = true;
    }

    /// <summary>
    /// Without a complete index (a log written before it, until its backfill is done): every news event of the log,
    /// as before the index existed. Correct, and as slow as the site's history is long.
    /// </summary>
    private async Task FoldNewsCategoryAsync()
    {
        long position = 0;
        while (await log.ReadAllAsync(position, 4096, NewsStreams.Category) is { Count: > 0 } page)
        {
            foreach (var recorded in page)
            {
                if (recorded.Data is INewsEvent e)
                {
                    _lists.Apply(e);
                }
            }

            position = page[^1].Position;
        }
    }
}
