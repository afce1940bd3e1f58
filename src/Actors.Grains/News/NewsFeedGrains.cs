using Actors.EventSourcing;
using Actors.Users;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Actors.News;

/// <summary>Marker interface of the stream consumers below (keyed by the partition, "0".."7").</summary>
[Alias("actors.news.INewsFeedGrain")]
public interface INewsFeedGrain : IGrainWithStringKey;

/// <summary>
/// Delivers every news event of one partition to the ranking grain. A consumer of its own, so the front page never
/// waits behind slower consumers (karma, user pages) or their failures.
/// </summary>
[ImplicitStreamSubscription(NewsStreams.Category)]
public sealed class NewsRankingFeedGrain : Grain, INewsFeedGrain, IStreamSubscriptionObserver
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(OnNext);

    private Task OnNext(RecordedEvent recorded, StreamSequenceToken? token) =>
        GrainFactory.GetGrain<INewsRankingGrain>(0).Apply(recorded);
}

/// <summary>
/// Delivers news events of one partition to the per-user read models and to the users slice: the author's karma for an
/// up-vote and the parent author's reply counter. Those effects follow from the vote or comment by consuming its event
/// (not inside the command): the vote is already decided and paid for by the voter, and the author's grain being slow
/// or down must not refuse or delay it. The users slice applies each (stream, version) once.
/// </summary>
[ImplicitStreamSubscription(NewsStreams.Category)]
public sealed class NewsActivityFeedGrain : Grain, INewsFeedGrain, IStreamSubscriptionObserver
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(OnNext);

    private async Task OnNext(RecordedEvent recorded, StreamSequenceToken? token)
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
                    await GrainFactory.GetGrain<IUserGrain>(e.AuthorId).CreditKarma(e.KarmaTransferred, recorded.StreamId, recorded.Version);
                }

                break;
            case NewsDownvoted e:
                await UserNews(e.VoterId).Apply(recorded);
                break;
            case CommentPosted e:
                await UserNews(e.UserId).Apply(recorded);
                if (e.ParentAuthorId is { } parentAuthor)
                {
                    await GrainFactory.GetGrain<IUserGrain>(parentAuthor).NoteReply(recorded.StreamId, recorded.Version);
                }

                break;
        }
    }

    private IUserNewsGrain UserNews(long userId) => GrainFactory.GetGrain<IUserNewsGrain>(userId);
}
