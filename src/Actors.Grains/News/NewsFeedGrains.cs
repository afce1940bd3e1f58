using Actors.EventSourcing;
using Actors.Users;
using Orleans.Streams.Core;
using Orleans.Streams;

namespace Actors.News;

/// <summary>Marker interface of the stream consumers below (keyed by the partition, "0".."7").</summary>
[Alias("actors.news.INewsFeedGrain")]
public interface INewsFeedGrain : IGrainWithStringKey;

/// <summary>
/// Delivers every news event of one partition to the ranking grain. A consumer of its own, so the front page never
/// waits behind slower consumers (karma, user pages) or their failures. A batch consumer: what one delivery brings
/// (under load, up to the pulling agent's batch size of queued events) goes to the ranking grain in one call.
/// </summary>
[ImplicitStreamSubscription(NewsStreams.Category)]
public sealed class NewsRankingFeedGrain : Grain, INewsFeedGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<RecordedEvent>
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(this);

    public Task OnNextAsync(IList<SequentialItem<RecordedEvent>> items)
    {
        if (items.Count == 1)
        {
            return GrainFactory.GetGrain<INewsRankingGrain>(0).Apply(items[0].Item);
        }

        var recorded = new RecordedEvent[items.Count];
        for (var i = 0; i < recorded.Length; i++)
        {
            recorded[i] = items[i].Item;
        }

        return GrainFactory.GetGrain<INewsRankingGrain>(0).ApplyMany(recorded);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

/// <summary>
/// Delivers news events of one partition to the per-user read models and to the users slice: the author's karma for an
/// up-vote and the parent author's reply counter. Those effects follow from the vote or comment by consuming its event
/// (not inside the command): the vote is already decided and paid for by the voter, and the author's grain being slow
/// or down must not refuse or delay it. The users slice applies each (stream, version) once.
/// <para>
/// In durable modes it also keeps the user activity index (which positions concern which user): one statement per
/// delivered batch, written before any of the batch's events is handed on. So an event acknowledged to the delivery,
/// or applied to a user's lists, always has its row, and a user's lists can rebuild from the index alone
/// (<see cref="UserNewsGrain"/>). Here, after the append has committed, it costs the append nothing.
/// </para>
/// </summary>
[ImplicitStreamSubscription(NewsStreams.Category)]
public sealed class NewsActivityFeedGrain(IUserActivityIndex? index = null)
    : Grain, INewsFeedGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<RecordedEvent>
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<RecordedEvent>> items)
    {
        if (index is not null)
        {
            await index.AddAsync(UserActivity.RowsOf(items.Select(i => i.Item)));
        }

        // One event at a time, in order, each call awaited: the user grains and the users slice see a stream's events in
        // the order they happened.
        foreach (var item in items)
        {
            await OnNext(item.Item);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private async Task OnNext(RecordedEvent recorded)
    {
        switch (recorded.Data)
        {
            case NewsSubmitted e:
                await UserNews(e.UserId).Apply(recorded);
                break;
            case NewsUpvoted e:
                await UserNews(e.VoterId).Apply(recorded);
                if (e.KarmaTransferred != 0)
                {
                    using (OnBehalfOf.CauseOf(recorded))
                    {
                        await GrainFactory.GetGrain<IUserGrain>(e.AuthorId).CreditKarma(e.KarmaTransferred, recorded.StreamId, recorded.Version);
                    }
                }

                break;
            case NewsDownvoted e:
                await UserNews(e.VoterId).Apply(recorded);
                break;
            case CommentPosted e:
                await UserNews(e.UserId).Apply(recorded);
                if (e.ParentAuthorId is { } parentAuthor)
                {
                    using (OnBehalfOf.CauseOf(recorded))
                    {
                        await GrainFactory.GetGrain<IUserGrain>(parentAuthor).NoteReply(recorded.StreamId, recorded.Version);
                    }
                }

                break;
        }
    }

    private IUserNewsGrain UserNews(long userId) => GrainFactory.GetGrain<IUserNewsGrain>(userId);
}
