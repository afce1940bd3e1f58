using Actors.Diagnostics;
using Actors.EventSourcing;
using Actors.News;
using Actors.Tests.Infrastructure;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace Actors.Tests.News;

/// <summary>
/// The top and latest lists restart from their checkpoint (chunks of news plus the events after it), not from the
/// start of the log. Own silo: the tests doctor checkpoint rows and restart the lists' grain.
/// </summary>
[Collection(ListsCheckpointCollection.Name)]
public class NewsListsCheckpointTests(PostgresClusterFixture cluster)
{
    private const string Head = NewsListsCheckpoint.HeadId;

    private ISnapshotStore Checkpoints => cluster.SiloServices.GetRequiredService<ISnapshotStore>();

    private INewsRankingGrain Lists => cluster.Client.GetGrain<INewsRankingGrain>(0);

    private Task<long> RegisterAsync() => SignUp.NewUserAsync(cluster.Client);

    /// <summary>A news with a vote, once a checkpoint covers the vote.</summary>
    private async Task<long> CheckpointedNewsAsync()
    {
        var submitted = await cluster.Client.GetGrain<INewsAuthorGrain>(await RegisterAsync())
            .Submit("Checkpointed", $"https://example.com/{Guid.NewGuid():N}", "");
        Assert.Null(submitted.Rejection);
        await VoteAndCheckpointAsync(submitted.Id);
        return submitted.Id;
    }

    private async Task<long> VoteAndCheckpointAsync(long newsId)
    {
        var voted = await cluster.Client.GetGrain<INewsGrain>(newsId).Vote(await RegisterAsync(), VoteDirection.Up);
        Assert.Null(voted.Rejection);
        await Eventually(async () => (await Checkpoints.ReadAsync(Head))?.Version >= voted.Position,
            "a checkpoint at or past the vote", TimeSpan.FromSeconds(30));
        await Eventually(async () => (await Checkpoints.ReadAsync(ChunkOf(newsId)))?.Version >= voted.Position,
            "the news' chunk stored", TimeSpan.FromSeconds(30));
        return voted.Position;
    }

    private static string ChunkOf(long newsId) => NewsListsCheckpoint.ChunkId(NewsListsSnapshot.ChunkOf(newsId));

    private async Task RestartListsAsync() => await Lists.Cast<IGrainManagementExtension>().DeactivateOnIdle();

    private async Task ReplaceAsync(string id, StoredSnapshot snapshot)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var command = dataSource.CreateCommand("DELETE FROM actors_snapshots WHERE stream_id = $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = id });
        await command.ExecuteNonQueryAsync();
        await Checkpoints.WriteAsync(id, snapshot);
    }

    /// <summary>Changes <paramref name="newsId"/> in its stored chunk (a title the log never had shows a restart read it).</summary>
    private async Task DoctorAsync(long newsId, Action<NewsListEntry> change)
    {
        var stored = (await Checkpoints.ReadAsync(ChunkOf(newsId)))!;
        var entries = NewsListsSnapshot.Read(stored.Payload, new NewsOptions());
        change(entries.Single(e => e.Id == newsId));
        await ReplaceAsync(ChunkOf(newsId), stored with { Payload = NewsListsSnapshot.Write(entries.ToArray()) });
    }

    private Task DoctorTitleAsync(long newsId, string title) => DoctorAsync(newsId, e => e.Title = title);

    [Fact]
    public async Task The_lists_restart_equal_to_what_they_were()
    {
        await CheckpointedNewsAsync();
        var top = await Lists.GetTop(0, 30);
        var latest = await Lists.GetLatest(0, 30);

        await RestartListsAsync();

        Assert.Equal(latest.Items, (await Lists.GetLatest(0, 30)).Items);
        Assert.Equal(top.Total, (await Lists.GetTop(0, 30)).Total);
        Assert.Equal(top.Items.Select(n => n.Id).Order(), (await Lists.GetTop(0, 30)).Items.Select(n => n.Id).Order());
    }

    [Fact]
    public async Task A_restart_reads_the_checkpoint_and_then_only_the_events_after_it()
    {
        // The checkpoint is taken back to before the second vote, as if that vote had come after it: the restart must
        // read the chunk (its title) and apply the vote from the log.
        var id = await CheckpointedNewsAsync();
        var earlier = (await Checkpoints.ReadAsync(Head))!;
        await VoteAndCheckpointAsync(id);
        await DoctorAsync(id, e =>
        {
            e.Title = "Read from the checkpoint";
            e.Up--;
            e.Version--;
        });
        await ReplaceAsync(Head, earlier with { Payload = (await Checkpoints.ReadAsync(Head))!.Payload });

        await RestartListsAsync();

        await Eventually(async () => (await Lists.GetMany([id]))[0].Up == 3, "the vote after the checkpoint applied", TimeSpan.FromSeconds(30));
        Assert.Equal("Read from the checkpoint", (await Lists.GetMany([id]))[0].Title);
    }

    [Fact]
    public async Task A_checkpoint_the_log_does_not_back_is_ignored()
    {
        var id = await CheckpointedNewsAsync();
        await DoctorTitleAsync(id, "Not to be believed");
        var head = (await Checkpoints.ReadAsync(Head))!;
        await ReplaceAsync(Head, head with { Version = head.Version + 1_000_000 });

        await RestartListsAsync();

        Assert.Equal("Checkpointed", (await Lists.GetMany([id]))[0].Title);
    }

    [Fact]
    public async Task A_checkpoint_chunk_that_does_not_read_is_ignored()
    {
        var id = await CheckpointedNewsAsync();
        await DoctorTitleAsync(id, "Not to be believed");
        var chunk = (await Checkpoints.ReadAsync(ChunkOf(id)))!;
        await ReplaceAsync(ChunkOf(id), chunk with { Payload = chunk.Payload[..^3] });

        await RestartListsAsync();

        Assert.Equal("Checkpointed", (await Lists.GetMany([id]))[0].Title);
    }
}

[CollectionDefinition(Name)]
public sealed class ListsCheckpointCollection : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = "postgres-lists-checkpoint";
}
