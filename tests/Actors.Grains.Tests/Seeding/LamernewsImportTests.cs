using Actors.EventSourcing;
using Actors.News;
using Actors.Seeding;
using Actors.Seeding.Lamernews;
using Actors.Users;

namespace Actors.Tests.Seeding;

/// <summary>The import's events from a site as read from Lamernews' Redis, written to an in-memory log.</summary>
public class LamernewsImportTests
{
    private const long T = 1_780_000_000;
    private static readonly string Token = new('a', 40);

    private static LamernewsSite Site()
    {
        var site = new LamernewsSite { UsersCount = 4, NewsCount = 5 };
        site.Users.Add(User(1, "root", karma: 9, flags: "a"));
        site.Users.Add(User(2, "alice", karma: 57, replies: 3));
        site.Users.Add(User(3, "bob", karma: 2));
        site.Users.Add(User(4, "ALICE", karma: 1)); // the same name but for case: refused
        site.News.Add(new LamernewsNews(1, "One", "https://example.com/1", 2, T, false,
            [new(2, T), new(3, T + 50), new(99, T + 60)], [new(1, T - 30)],
            [
                new(1, -1, 2, "top", T + 100, false, [2, 3], [1]),
                new(2, 1, 3, "reply, later deleted", T + 200, true, [3], []),
                new(3, 2, 2, "reply to the deleted one", T + 900, false, [2], []),
                new(5, 4, 3, "under a comment that is not there", T + 950, false, [3], []),
                new(6, -1, 99, "by nobody", T + 960, false, [], []),
            ]));
        site.News.Add(new LamernewsNews(4, "Text", "text://body", 3, T + 1000, true, [new(3, T + 1000), new(2, T + 1100)], [], []));
        site.News.Add(new LamernewsNews(5, "Orphan", "https://example.com/5", 42, T + 2000, false, [], [], []));
        return site;
    }

    private static LamernewsUser User(long id, string name, int karma, string flags = "", int replies = 0) =>
        // User 3 has no usable token in Redis: the import gives it a new one (and a resumed import keeps that one).
        new(id, name, new string('5', 40), new string('6', 40), T - 10_000 + id, karma, "", "",
            id == 2 ? Token : id == 3 ? "" : new string((char)('0' + id), 40), id == 3 ? "x" : new string((char)('5' + id), 40), flags, T - 5000, replies);

    private static async Task<(InMemoryEventLog Log, LamernewsImport Import, ResumingSink Sink)> ImportAsync(InMemoryEventLog? into = null, int stopAfterActions = int.MaxValue)
    {
        var log = into ?? new InMemoryEventLog(TimeProvider.System);
        var (present, issued) = await LamernewsImportServices.ReadEarlierRunAsync(log, _ => { }, CancellationToken.None);
        var import = new LamernewsImport(Site(), new NewsOptions(), 1000, issued);
        var writer = new LogBatchWriter(log, LamernewsImport.Metadata, streamsPerBatch: 3);
        var sink = new ResumingSink(writer, present);
        try
        {
            await import.RunAsync(new Interrupting(sink, stopAfterActions));
            await writer.CompleteAsync();
        }
        catch (OperationCanceledException)
        {
            // The process "died": what the log committed stays, the batch being filled is lost.
        }

        return (log, import, sink);
    }

    [Fact]
    public async Task Given_a_site_when_imported_then_ids_times_votes_and_the_thread_are_kept_and_what_cannot_be_is_named()
    {
        var (log, import, _) = await ImportAsync();

        var news = (await log.ReadStreamAsync("news-1")).Select(e => (INewsEvent)e.Data).Aggregate(NewsState.Initial, NewsDecider.Evolve);
        Assert.Equal((1L, "One", DateTimeOffset.FromUnixTimeSeconds(T)), (news.Id, news.Title, news.CreatedAt));
        Assert.Equal([2L, 3L], news.Upvoters.OrderBy(v => v));
        // A vote cast before the news existed (clock skew) is kept at the news' time.
        Assert.Equal([1L], news.Downvoters);
        Assert.Equal([1L, 2L, 3L], news.Comments.Keys);
        Assert.True(news.Comments[2].Deleted);
        Assert.Equal([2L, 3L], news.Comments[1].Upvoters.OrderBy(v => v));
        Assert.Equal([1L], news.Comments[1].Downvoters);
        var thread = (await log.ReadStreamAsync("news-1")).Select(e => e.Data).ToList();
        // A deletion Lamernews kept no time of comes after the comment's replies.
        Assert.True(thread.FindIndex(e => e is CommentDeleted) > thread.FindIndex(e => e is CommentPosted { CommentId: 3 }));
        Assert.Equal(3L, ((CommentPosted)thread.Single(e => e is CommentPosted { CommentId: 3 })).ParentAuthorId);
        Assert.All(thread.OfType<NewsUpvoted>(), v => Assert.Equal(0, v.KarmaTransferred));

        var text = (await log.ReadStreamAsync("news-4")).Select(e => e.Data).ToList();
        Assert.IsType<NewsDeleted>(text[^1]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(T + 1100), ((NewsDeleted)text[^1]).At);

        var alice = (await log.ReadStreamAsync("users-2")).Select(e => (IUserEvent)e.Data).Aggregate(UserDecider.Initial, UserDecider.Evolve);
        Assert.Equal((57, 3, Token, false), (alice.Karma, alice.Replies, alice.AuthToken, alice.IsAdmin));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(T - 5000), alice.KarmaIncrementedAt);
        Assert.True(PasswordHashing.NeedsUpgrade(alice.PasswordHash));
        Assert.True((await log.ReadStreamAsync("users-1")).Select(e => (IUserEvent)e.Data).Aggregate(UserDecider.Initial, UserDecider.Evolve).IsAdmin);
        Assert.Empty(await log.ReadStreamAsync("users-4"));
        var bob = (await log.ReadStreamAsync("users-3")).Select(e => e.Data).OfType<UserCredentialsIssued>().Single();
        Assert.True(PasswordHashing.IsTokenShaped(bob.AuthToken) && PasswordHashing.IsTokenShaped(bob.ApiSecret));
        Assert.Empty(await log.ReadStreamAsync("news-5"));

        Assert.Equal((4L, 5L), (import.Users, import.LastNewsId));
        Assert.Equal((3L, 2L, 1L, 4L, 1L), (import.Report.Users, import.Report.News, import.Report.DeletedNews, import.Report.UpVotes, import.Report.DownVotes));
        // The author's own vote on a comment is implied by the posting, not counted.
        Assert.Equal((3L, 1L, 1L, 1L), (import.Report.Comments, import.Report.DeletedComments, import.Report.CommentUpVotes, import.Report.CommentDownVotes));
        Assert.Equal(
        [
            "user:4: the name 'ALICE' is taken by another user (names are unique case-insensitively): skipped",
            "news.up:1: user 99 was not imported: vote skipped",
            "thread:comment:1 comment 5: its parent 4 is missing or was skipped: skipped",
            "thread:comment:1 comment 6: its author user:99 was not imported: skipped",
            "news:5: its author user:42 was not imported: skipped with its votes and comments",
        ], import.Report.Skipped);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    public async Task Given_an_import_killed_midway_when_run_again_then_the_log_equals_one_whole_run_and_a_third_run_writes_nothing(int actions)
    {
        var (whole, _, once) = await ImportAsync();
        var (log, _, _) = await ImportAsync(stopAfterActions: actions);
        var partial = (await log.ReadAllAsync(0, 10_000)).Count;
        Assert.InRange(partial, 1, once.Written - 1);

        var (_, _, resumed) = await ImportAsync(log);
        Assert.Equal((once.Written - partial, (long)partial), (resumed.Written, resumed.AlreadyThere));
        Assert.Equal(Streams(await whole.ReadAllAsync(0, 10_000)), Streams(await log.ReadAllAsync(0, 10_000)));
        Assert.Single((await log.ReadStreamAsync("users-3")).Select(e => e.Data).OfType<UserCredentialsIssued>());

        var (_, _, third) = await ImportAsync(log);
        Assert.Equal((0L, once.Written), (third.Written, third.AlreadyThere));
    }

    [Fact]
    public async Task Given_a_log_with_a_site_of_its_own_when_imported_then_it_is_refused()
    {
        var log = new InMemoryEventLog(TimeProvider.System);
        await log.AppendAsync("users-1", 0, [new UserCreated(1, "someone", DateTimeOffset.UnixEpoch)], EventMetadata.None);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ImportAsync(log));
        Assert.Contains("not imported from Lamernews (stream users-1)", refused.Message);
    }

    private static List<string> Streams(IReadOnlyList<RecordedEvent> events) =>
        [.. events.GroupBy(e => e.StreamId).OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.OrderBy(e => e.Version).Select(e => $"{e.StreamId}/{e.Version}: {WithoutRandomTokens(e.Data)}"))];

    /// <summary>User 3's tokens are random (none in Redis): two separate runs differ there, and only there.</summary>
    private static object WithoutRandomTokens(object e) =>
        e is UserCredentialsIssued { UserId: 3 } c ? c with { AuthToken = "", ApiSecret = "" } : e;

    /// <summary>Stops the run (as a kill would) after <paramref name="actions"/> actions.</summary>
    private sealed class Interrupting(IImportSink inner, int actions) : IImportSink
    {
        private int _ended;

        public void Append(string streamId, long version, object e) => inner.Append(streamId, version, e);

        public async Task EndActionAsync()
        {
            await inner.EndActionAsync();
            if (++_ended >= actions)
            {
                throw new OperationCanceledException("killed");
            }
        }
    }
}
