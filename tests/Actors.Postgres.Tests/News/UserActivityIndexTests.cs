using Actors.Diagnostics;
using Actors.EventSourcing;
using Actors.News;
using Actors.Postgres;
using Actors.Tests.Infrastructure;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Core.Internal;

namespace Actors.Tests.News;

/// <summary>
/// A user's lists rebuild from the user activity index (that user's log positions), kept by the news activity
/// consumer and backfilled on a log written before it. Own silo: the tests delete index rows and move its checkpoints.
/// </summary>
[Collection(UserIndexCollection.Name)]
public class UserActivityIndexTests(UserIndexClusterFixture cluster)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(30);

    private IUserActivityIndex Index => cluster.SiloServices.GetRequiredService<IUserActivityIndex>();

    private UserActivityIndexBackfill Backfill => cluster.SiloServices.GetRequiredService<UserActivityIndexBackfill>();

    private IUserNewsGrain Lists(long user) => cluster.Client.GetGrain<IUserNewsGrain>(user);

    private INewsGrain News(long id) => cluster.Client.GetGrain<INewsGrain>(id);

    private Task<long> RegisterAsync() => SignUp.NewUserAsync(cluster.Client);

    private async Task<long> SubmitAsync(long author)
    {
        var submitted = await cluster.Client.GetGrain<INewsAuthorGrain>(author).Submit("Indexed", $"https://example.com/{Guid.NewGuid():N}", "");
        Assert.Null(submitted.Rejection);
        return submitted.Id;
    }

    private async Task VoteAsync(long user, long newsId, VoteDirection direction) =>
        Assert.Null((await News(newsId).Vote(user, direction)).Rejection);

    private async Task<long> CommentAsync(long user, long newsId, long parentId = -1)
    {
        var posted = await News(newsId).PostComment(user, parentId, $"comment {Guid.NewGuid():N}");
        Assert.Null(posted.Rejection);
        return posted.Id;
    }

    private async Task RestartAsync(long user) => await Lists(user).Cast<IGrainManagementExtension>().DeactivateOnIdle();

    private async Task<T> QueryAsync<T>(string sql, Func<NpgsqlCommand, Task<T>> run, params object[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await run(command);
    }

    private Task<int> ExecuteAsync(string sql, params object[] parameters) => QueryAsync(sql, c => c.ExecuteNonQueryAsync(), parameters);

    private Task<List<long>> IndexedPositionsAsync(long user) => QueryAsync("SELECT position FROM actors_user_events WHERE user_id = $1 ORDER BY position",
        async command =>
        {
            var positions = new List<long>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                positions.Add(reader.GetInt64(0));
            }

            return positions;
        }, user);

    private async Task AwaitIndexedAsync(long user, int events) =>
        await Eventually(async () => (await IndexedPositionsAsync(user)).Count == events, $"{events} index rows of user {user}", Delivery);

    /// <summary>Everything a user's lists answer, in a form that compares by value.</summary>
    private async Task<string> ListsAsync(long user, IReadOnlyList<long> votedOn)
    {
        var posted = await Lists(user).GetPosted(0, 1000);
        var saved = await Lists(user).GetSaved(0, 1000);
        var comments = await Lists(user).GetComments(0, 1000);
        var votes = await Lists(user).GetVotes(votedOn);
        return $"posted {posted.Total}: {string.Join(",", posted.Items)}; saved {saved.Total}: {string.Join(",", saved.Items)}; "
            + $"comments {comments.Total}: {string.Join(",", comments.Items)}; votes: {string.Join(",", votes.OrderBy(v => v.Key).Select(v => $"{v.Key}={v.Value}"))}";
    }

    [Fact]
    public async Task A_users_lists_after_a_restart_of_their_grain_equal_what_they_were()
    {
        Assert.True(await Index.IsCompleteAsync(), "a log created with the index is complete from the start");
        var user = await RegisterAsync();
        var other = await RegisterAsync();
        var replier = await RegisterAsync();
        var own = new[] { await SubmitAsync(user), await SubmitAsync(user) };
        var theirs = new[] { await SubmitAsync(other), await SubmitAsync(other), await SubmitAsync(other) };
        await VoteAsync(user, theirs[0], VoteDirection.Up);
        await VoteAsync(user, theirs[1], VoteDirection.Up);
        await VoteAsync(user, theirs[2], VoteDirection.Down);
        var replied = await CommentAsync(replier, theirs[0]);
        var comments = new[] { await CommentAsync(user, theirs[0]), await CommentAsync(user, theirs[1]), await CommentAsync(user, theirs[0], replied) };
        // Two submissions (each with its author's own up-vote), three votes, three comments.
        await AwaitIndexedAsync(user, 10);
        var votedOn = own.Concat(theirs).ToArray();

        var before = await ListsAsync(user, votedOn);
        await RestartAsync(user);
        var after = await ListsAsync(user, votedOn);

        Assert.Equal(before, after);
        Assert.Equal([own[1], own[0]], (await Lists(user).GetPosted(0, 10)).Items);
        Assert.Equal([theirs[1], theirs[0], own[1], own[0]], (await Lists(user).GetSaved(0, 10)).Items);
        Assert.Equal(Enumerable.Reverse(comments), (await Lists(user).GetComments(0, 10)).Items.Select(c => c.CommentId));
        var votes = await Lists(user).GetVotes(votedOn);
        Assert.Equal([VoteDirection.Up, VoteDirection.Up, VoteDirection.Up, VoteDirection.Up, VoteDirection.Down], votedOn.Select(id => votes[id]));
    }

    [Fact]
    public async Task A_restarted_grain_reads_its_lists_through_the_index()
    {
        var user = await RegisterAsync();
        var author = await RegisterAsync();
        var kept = await SubmitAsync(author);
        var dropped = await SubmitAsync(author);
        await VoteAsync(user, kept, VoteDirection.Up);
        await VoteAsync(user, dropped, VoteDirection.Up);
        await AwaitIndexedAsync(user, 2);
        var positions = await IndexedPositionsAsync(user);
        Assert.Equal(2, (await Lists(user).GetSaved(0, 10)).Total);

        // Without the row of the second vote, a restart does not find it (the log still has it: no full scan).
        await ExecuteAsync("DELETE FROM actors_user_events WHERE user_id = $1 AND position = $2", user, positions[1]);
        await RestartAsync(user);
        Assert.Equal([kept], (await Lists(user).GetSaved(0, 10)).Items);

        await Index.AddAsync([new UserActivityRow(user, positions[1])]);
        await RestartAsync(user);
        Assert.Equal([dropped, kept], (await Lists(user).GetSaved(0, 10)).Items);
    }

    [Fact]
    public async Task Every_news_event_that_concerns_a_user_has_its_index_row_and_no_other_has_one()
    {
        var author = await RegisterAsync();
        var voter = await RegisterAsync();
        var newsId = await SubmitAsync(author);
        await VoteAsync(voter, newsId, VoteDirection.Up);
        var comment = await CommentAsync(voter, newsId);
        await CommentAsync(author, newsId, comment);
        Assert.Null((await News(newsId).VoteComment(author, comment, VoteDirection.Up)).Rejection);
        Assert.Null((await News(newsId).EditComment(voter, comment, "edited")).Rejection);
        Assert.Null((await News(newsId).Edit(author, "Indexed, edited", $"https://example.com/{Guid.NewGuid():N}", "")).Rejection);
        var voterOfDown = await RegisterAsync();
        await VoteAsync(voterOfDown, newsId, VoteDirection.Down);

        var events = await cluster.SiloServices.GetRequiredService<IEventLog>().ReadStreamAsync($"{NewsStreams.Category}-{newsId}");
        var expected = new List<(long User, long Position)>();
        foreach (var e in events)
        {
            long? user = e.Data switch
            {
                NewsSubmitted s => s.UserId,
                NewsUpvoted v => v.VoterId,
                NewsDownvoted v => v.VoterId,
                CommentPosted c => c.UserId,
                _ => null, // edits, comment votes: not in anyone's lists
            };
            if (user is { } u)
            {
                expected.Add((u, e.Position));
            }
        }

        Assert.Equal(6, expected.Count); // submitted, the author's own vote, up, two comments, down
        Assert.True(events.Count > expected.Count, "the stream also has events that concern no user's lists");
        var positions = events.Select(e => e.Position).ToArray();
        await Eventually(async () => (await IndexRowsAtAsync(positions)).SequenceEqual(expected.Order()),
            "exactly the rows of the events that concern a user", Delivery);
    }

    private Task<List<(long User, long Position)>> IndexRowsAtAsync(long[] positions) => QueryAsync(
        "SELECT user_id, position FROM actors_user_events WHERE position = ANY($1) ORDER BY user_id, position",
        async command =>
        {
            var rows = new List<(long, long)>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }

            return rows;
        }, positions);

    [Fact]
    public async Task A_user_whose_votes_span_many_delivery_batches_gets_every_one_back_after_a_restart()
    {
        const int waves = 6, perWave = 20;
        var user = await RegisterAsync();
        var author = await RegisterAsync();
        var news = new List<long>();
        for (var i = 0; i < waves * perWave; i++)
        {
            news.Add(await SubmitAsync(author));
        }

        for (var wave = 0; wave < waves; wave++)
        {
            // A wave of concurrent votes (batched together by the delivery), then wait until it is indexed: each wave
            // reaches the consumer in deliveries of its own.
            await Task.WhenAll(news.Skip(wave * perWave).Take(perWave).Select(id => VoteAsync(user, id, VoteDirection.Up)));
            await AwaitIndexedAsync(user, (wave + 1) * perWave);
        }

        await RestartAsync(user);

        var saved = await Lists(user).GetSaved(0, 1000);
        Assert.Equal(news.Count, saved.Total);
        Assert.Equal(news.Order(), saved.Items.Order());
        Assert.Equal(news.Count, (await Lists(user).GetVotes(news)).Count(v => v.Value == VoteDirection.Up));
    }

    [Fact]
    public async Task The_backfill_indexes_a_log_written_without_index_rows_while_the_live_consumer_goes_on()
    {
        var user = await RegisterAsync();
        var author = await RegisterAsync();
        var own = await SubmitAsync(user);
        var theirs = new[] { await SubmitAsync(author), await SubmitAsync(author), await SubmitAsync(author) };
        await VoteAsync(user, theirs[0], VoteDirection.Up);
        await VoteAsync(user, theirs[1], VoteDirection.Down);
        await CommentAsync(user, theirs[2]);
        await AwaitIndexedAsync(user, 5);
        var rows = await IndexedPositionsAsync(user);
        var votedOn = theirs.Append(own).ToArray();
        var lists = await ListsAsync(user, votedOn);

        // A log from before the index: no rows, and the live consumer took over at the head.
        await ExecuteAsync("DELETE FROM actors_user_events");
        await ExecuteAsync("UPDATE actors_checkpoints SET position = 0 WHERE name = $1", PostgresUserActivityIndex.CompleteName);
        await ExecuteAsync("UPDATE actors_checkpoints SET position = (SELECT position FROM actors_log_head) WHERE name = $1",
            PostgresUserActivityIndex.LiveFromName);
        Assert.False(await Index.IsCompleteAsync());
        await RestartAsync(user);
        Assert.Equal(lists, await ListsAsync(user, votedOn)); // the whole news category, as before the index

        // A row the live consumer wrote again (a re-delivery below live-from) is one the backfill also writes.
        await Index.AddAsync([new UserActivityRow(user, rows[2])]);
        // Small pages, so the backfill takes many steps while live votes are indexed by the consumer.
        var backfill = Backfill.RunAsync(pageEvents: 3);
        var live = await RegisterAsync();
        await Task.WhenAll(theirs.Select(id => VoteAsync(live, id, VoteDirection.Up)));
        var written = await backfill;

        Assert.True(written > 0);
        Assert.True(await Index.IsCompleteAsync());
        Assert.Equal(rows, await IndexedPositionsAsync(user));
        await AwaitIndexedAsync(live, theirs.Length);
        Assert.Equal(0, await Backfill.RunAsync());
        await RestartAsync(user);
        await RestartAsync(live);
        Assert.Equal(lists, await ListsAsync(user, votedOn));
        Assert.Equal(theirs.Order(), (await Lists(live).GetSaved(0, 10)).Items.Order());
    }
}

/// <summary>A silo whose users have karma for many votes and may submit news back to back.</summary>
public sealed class UserIndexClusterFixture : PostgresClusterFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["News:UserInitialKarma"] = "1000000",
        ["News:NewsSubmissionBreakSeconds"] = "0",
    };
}

[CollectionDefinition(Name)]
public sealed class UserIndexCollection : ICollectionFixture<UserIndexClusterFixture>
{
    public const string Name = "postgres-user-index";
}
