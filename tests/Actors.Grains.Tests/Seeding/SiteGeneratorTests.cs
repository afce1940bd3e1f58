using Actors.EventSourcing;
using Actors.News;
using Actors.Seeding;
using Actors.Users;

namespace Actors.Tests.Seeding;

public class SiteGeneratorTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static List<SiteAction> Generate(int seed) =>
        new SiteGenerator(new SeedOptions { News = 400, Users = 120, Days = 30, Seed = seed }, End, 900, 900).Generate().ToList();

    [Fact]
    public void The_same_seed_gives_the_same_site_and_another_seed_another()
    {
        Assert.Equal(Generate(7), Generate(7));
        Assert.NotEqual(Generate(7), Generate(8));
    }

    [Fact]
    public void Actions_come_in_time_order_with_ids_in_creation_order_and_nobody_acting_before_registering()
    {
        var actions = Generate(3);
        var registered = new Dictionary<long, DateTimeOffset>();
        long lastNews = 0;
        for (var i = 0; i < actions.Count; i++)
        {
            Assert.True(i == 0 || actions[i - 1].At <= actions[i].At, $"action {i} out of time order");
            Assert.True(actions[i].At <= End);
            switch (actions[i])
            {
                case UserRegistered u:
                    Assert.Equal(registered.Count + 1, u.UserId);
                    registered[u.UserId] = u.At;
                    break;
                case NewsPosted n:
                    Assert.Equal(lastNews + 1, n.NewsId);
                    lastNews = n.NewsId;
                    Assert.True(registered.ContainsKey(n.UserId));
                    break;
                case NewsVoted v:
                    Assert.True(registered.ContainsKey(v.UserId) && v.NewsId <= lastNews);
                    break;
                case CommentWritten c:
                    Assert.True(registered.ContainsKey(c.UserId) && c.NewsId <= lastNews);
                    break;
            }
        }

        Assert.Equal(400, lastNews);
        // Power law: most news get a few votes, a few get many.
        var votes = actions.OfType<NewsVoted>().GroupBy(v => v.NewsId).Select(g => g.Count()).OrderDescending().ToArray();
        Assert.True(votes[0] >= 10 * votes[votes.Length / 2], $"most voted {votes[0]}, median {votes[votes.Length / 2]}");
        // One vote per user per news.
        Assert.All(actions.OfType<NewsVoted>().GroupBy(v => v.NewsId), g => Assert.Equal(g.Count(), g.Select(v => v.UserId).Distinct().Count()));
    }

    [Fact]
    public async Task Replaying_records_what_the_grains_would_have_votes_paid_and_credited_a_refused_vote_nothing_but_the_tick()
    {
        var log = new InMemoryEventLog(TimeProvider.System);
        var writer = new LogBatchWriter(log, SiteReplayer.Metadata);
        var options = new NewsOptions();
        var site = new SiteReplayer(options, PasswordHashing.Hash("password1", 1), writer);
        var t0 = End.AddDays(-2);
        site.Replay(new UserRegistered(1, "user1", t0));
        site.Replay(new UserRegistered(2, "user2", t0.AddMinutes(1)));
        site.Replay(new UserRegistered(3, "user3", t0.AddMinutes(2)));
        site.Replay(new NewsPosted(1, 2, "A title", "https://example.com/a", "", t0.AddMinutes(3)));
        site.Replay(new NewsVoted(1, 3, true, t0.AddMinutes(4)));   // karma 1: paid, author credited
        site.Replay(new NewsVoted(1, 1, false, t0.AddMinutes(5)));  // karma 1 < 30: refused
        site.Replay(new CommentWritten(1, 3, -1, "First", t0.AddHours(2)));
        site.Replay(new CommentWritten(1, 2, 1, "Reply", t0.AddHours(3)));
        await writer.CompleteAsync();

        var news = (await log.ReadStreamAsync("news-1")).Select(e => e.Data).ToArray();
        Assert.Collection(news,
            e => Assert.IsType<NewsSubmitted>(e),
            e => Assert.Equal(new NewsUpvoted(1, 2, 2, 0, t0.AddMinutes(3)), e),
            e => Assert.Equal(new NewsUpvoted(1, 3, 2, 1, t0.AddMinutes(4)), e),
            e => Assert.Equal(1, ((CommentPosted)e).CommentId),
            e => Assert.Equal(new CommentPosted(1, 2, 1, 2, "user2", "Reply", 3, t0.AddHours(3)), e));
        var voter = (await log.ReadStreamAsync("users-3")).Select(e => e.Data).ToArray();
        Assert.Contains(new UserKarmaSpent(3, 1, "vote up news-1", t0.AddMinutes(4)), voter);
        Assert.Contains(voter, e => e is UserReplyNoted { SourceStream: "news-1", SourceVersion: 5 });
        var author = (await log.ReadStreamAsync("users-2")).Select(e => e.Data).ToArray();
        Assert.Contains(new UserKarmaCredited(2, 1, "news-1", 3, t0.AddMinutes(4)), author);
        var admin = (await log.ReadStreamAsync("users-1")).Select(e => e.Data).ToArray();
        Assert.DoesNotContain(admin, e => e is UserKarmaSpent);
        Assert.Equal(1, site.VotesRefused);
        Assert.Single(await log.ReadStreamAsync("usernames-user2"));
    }
}
