using Actors.EventSourcing;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Actors.Users;

/// <summary>
/// The users read model of one stream partition. Activated by the first event of its partition (implicit
/// subscription), it first replays the partition's events from the log, so it never depends on having seen the
/// stream from the start; events delivered again after that are skipped by (stream, version).
/// </summary>
[ImplicitStreamSubscription(UserStreams.Category)]
public sealed class UserDirectoryGrain(IEventLog log) : Grain, IUserDirectoryGrain, IStreamSubscriptionObserver
{
    private const int ReplayBatch = 1024;
    private readonly UserDirectory _directory = new();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Its own partition's events only: each of the 8 partitions read the whole category before (in PostgreSQL, with no
        // category index, the whole log), 8 reads of every users event when the directory came up.
        var partition = int.Parse(this.GetPrimaryKeyString(), System.Globalization.CultureInfo.InvariantCulture);
        long position = 0;
        while (true)
        {
            var batch = await log.ReadCategoryPartitionAsync(UserStreams.Category, partition, position, ReplayBatch, cancellationToken);
            foreach (var e in batch)
            {
                _directory.Apply(e.StreamId, e.Version, e.Data);
            }

            if (batch.Count < ReplayBatch)
            {
                break;
            }

            position = batch[^1].Position;
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(OnNext);

    private Task OnNext(RecordedEvent recorded, StreamSequenceToken? token)
    {
        _directory.Apply(recorded.StreamId, recorded.Version, recorded.Data);
        return Task.CompletedTask;
    }

    public Task<UserProfile?> GetProfile(long userId) => Task.FromResult(_directory.Find(userId));

    public Task<int> Count() => Task.FromResult(_directory.Count);
}
