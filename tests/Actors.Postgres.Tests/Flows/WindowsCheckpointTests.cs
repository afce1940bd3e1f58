using System.Globalization;
using Actors.EventSourcing;
using Actors.Flows;
using Actors.News;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace Actors.Tests.Flows;

/// <summary>A silo whose window shards store a checkpoint every second.</summary>
public sealed class WindowsCheckpointFixture : PostgresClusterFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Trending:CheckpointSeconds"] = "1",
    };
}

[CollectionDefinition(Name)]
public sealed class WindowsCheckpointCollection : ICollectionFixture<WindowsCheckpointFixture>
{
    public const string Name = "postgres-windows-checkpoint";
}

/// <summary>
/// The windowed views in PostgreSQL mode: each shard stores its windows with the log position they cover, and a
/// restarted shard starts from that checkpoint and the events after it; a checkpoint the log does not back is not used.
/// </summary>
[Collection(WindowsCheckpointCollection.Name)]
public class WindowsCheckpointTests(WindowsCheckpointFixture cluster)
{
    private ISnapshotStore Checkpoints => cluster.SiloServices.GetRequiredService<ISnapshotStore>();

    private IWindowViewGrain Trending => cluster.Client.GetGrain<IWindowViewGrain>(NewsWindows.TrendingName);

    private static string CheckpointOf(long newsId) =>
        $"$windows-news/{EventStreams.PartitionOf($"news-{newsId}").ToString(CultureInfo.InvariantCulture)}";

    private IWindowShardGrain ShardOf(long newsId) =>
        cluster.Client.GetGrain<IWindowShardGrain>(EventStreams.PartitionOf($"news-{newsId}").ToString(CultureInfo.InvariantCulture));

    private static long ValueOf(WindowTop top, long id) => top.Ranks.FirstOrDefault(r => r.Key == id).Value;

    /// <summary>A news with two votes, once a checkpoint of its shard covers them.</summary>
    private async Task<(long NewsId, StoredSnapshot Checkpoint)> VotedAndCheckpointedAsync()
    {
        var submitted = await cluster.Client.GetGrain<INewsAuthorGrain>(await SignUp.NewUserAsync(cluster.Client))
            .Submit("Windowed", $"https://example.com/{Guid.NewGuid():N}", "");
        Assert.Null(submitted.Rejection);
        long position = 0;
        for (var i = 0; i < 2; i++)
        {
            var voted = await cluster.Client.GetGrain<INewsGrain>(submitted.Id).Vote(await SignUp.NewUserAsync(cluster.Client), VoteDirection.Up);
            Assert.Null(voted.Rejection);
            position = voted.Position;
        }

        await Eventually(async () => ValueOf(await Trending.Top(1000, []), submitted.Id) == 2, "the votes reach the trending view", TimeSpan.FromSeconds(30));
        var checkpoint = await Polling.Eventually(
            () => Checkpoints.ReadAsync(CheckpointOf(submitted.Id)),
            c => c is not null && c.Version >= position,
            "a checkpoint at or past the votes",
            TimeSpan.FromSeconds(30));
        return (submitted.Id, checkpoint!);
    }

    private async Task RestartAsync(long newsId) => await ShardOf(newsId).Cast<IGrainManagementExtension>().DeactivateOnIdle();

    [Fact]
    public async Task Given_a_checkpoint_when_the_shard_restarts_then_it_starts_from_it_and_the_events_after()
    {
        var (id, checkpoint) = await VotedAndCheckpointedAsync();
        // A checkpoint that says more than the log (a key no event ever had): seen after the restart only if it was read.
        var phantom = 800_000_000L + Random.Shared.Next(1_000_000);
        var views = NewsWindows.All(new TrendingOptions());
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload))
        {
            using var reader = new BinaryReader(new MemoryStream(checkpoint.Payload));
            var trending = WindowedAggregate.Read(views[0].Window, reader);
            var activity = WindowedAggregate.Read(views[1].Window, reader);
            trending.Apply(phantom, 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 5);
            trending.Write(writer);
            activity.Write(writer);
        }

        await ReplaceAsync(CheckpointOf(id), checkpoint with { Payload = payload.ToArray() });
        await RestartAsync(id);

        var top = await Trending.Top(1000, []);
        Assert.Equal(2, ValueOf(top, id));
        Assert.Equal(5, ValueOf(top, phantom));
    }

    [Fact]
    public async Task Given_a_checkpoint_the_log_does_not_back_when_the_shard_restarts_then_it_folds_the_log_to_the_same_windows()
    {
        var (id, checkpoint) = await VotedAndCheckpointedAsync();
        var before = await Trending.Top(1000, []);
        await ReplaceAsync(CheckpointOf(id), checkpoint with { Version = checkpoint.Version + 1_000_000_000, Payload = [1, 2, 3] });

        await RestartAsync(id);

        var after = await Trending.Top(1000, []);
        Assert.Equal(2, ValueOf(after, id));
        // Every real news of the shard as before (a phantom key another test put in a checkpoint is gone: the log never had it).
        Assert.Equal(OfShard(before, id), OfShard(after, id));
    }

    private static WindowRank[] OfShard(WindowTop top, long id) =>
        [.. top.Ranks.Where(r => r.Key < 800_000_000 && EventStreams.PartitionOf($"news-{r.Key}") == EventStreams.PartitionOf($"news-{id}"))];

    private async Task ReplaceAsync(string id, StoredSnapshot snapshot)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var command = dataSource.CreateCommand("DELETE FROM actors_snapshots WHERE stream_id = $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = id });
        await command.ExecuteNonQueryAsync();
        await Checkpoints.WriteAsync(id, snapshot);
    }
}
