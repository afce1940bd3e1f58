using Actors.News;

namespace Actors.Tests.News;

/// <summary>
/// The top and latest lists against a full recomputation: every read of the top list equals all live news ranked afresh
/// for that second and sorted (rank descending, then newest first), whatever came before it.
/// </summary>
public class NewsListsTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    [Theory]
    [InlineData(1, 2_592_000, 1.1)]
    [InlineData(2, 2_592_000, 1.1)]
    [InlineData(3, 3_600, 1.1)] // news age out within the run, many times over
    [InlineData(4, 600, 1.8)]
    [InlineData(5, 86_400, 0.0)] // every rank of a score equal: the tie-break alone orders a group
    [InlineData(6, 7_200, -0.5)] // ranks that grow with age
    public void Every_top_read_equals_a_full_recomputation_for_its_second(int seed, int ageLimit, double agingFactor)
    {
        var site = new Site(new NewsOptions { TopNewsAgeLimitSeconds = ageLimit, RankAgingFactor = agingFactor }, seed);

        for (var step = 0; step < 4_000; step++)
        {
            site.Step();
        }

        Assert.True(site.Reads > 500, $"only {site.Reads} reads checked");
    }

    [Fact]
    public void A_news_past_the_age_limit_sinks_below_every_younger_one_newest_first()
    {
        var options = new NewsOptions { TopNewsAgeLimitSeconds = 1_000 };
        var lists = new NewsLists(options);
        Submit(lists, 1, T0 - 5_000, votes: 50);
        Submit(lists, 2, T0 - 3_000, votes: 50);
        Submit(lists, 3, T0, votes: 0);

        Assert.Equal([3, 2, 1], lists.Top(T0, 0, 10).Items.Select(v => v.Id));
    }

    [Fact]
    public void A_vote_within_the_second_moves_the_news_at_that_seconds_ranks()
    {
        var lists = new NewsLists(new NewsOptions());
        Submit(lists, 1, T0 - 60, votes: 1);
        Submit(lists, 2, T0, votes: 1);
        Assert.Equal([2, 1], lists.Top(T0, 0, 10).Items.Select(v => v.Id));

        lists.Apply(new NewsUpvoted(1, 9, 1, 1, At(T0)), lists.VersionOf(1) + 1);

        Assert.Equal([1, 2], lists.Top(T0, 0, 10).Items.Select(v => v.Id));
    }

    [Fact]
    public void An_event_already_applied_or_out_of_order_changes_nothing()
    {
        var lists = new NewsLists(new NewsOptions());
        Submit(lists, 1, T0, votes: 1);

        Assert.False(lists.Apply(new NewsUpvoted(1, 9, 1, 1, At(T0)), 2)); // version 2 was the automatic vote
        Assert.False(lists.Apply(new NewsUpvoted(1, 9, 1, 1, At(T0)), 4)); // version 3 is missing
        Assert.Equal(1, lists.Get(1)!.Up);
    }

    [Fact]
    public void A_deleted_news_leaves_both_lists_and_their_counts()
    {
        var lists = new NewsLists(new NewsOptions());
        Submit(lists, 1, T0, votes: 1);
        Submit(lists, 2, T0, votes: 1);

        lists.Apply(new NewsDeleted(1, 1, At(T0)), lists.VersionOf(1) + 1);

        Assert.Equal([2], lists.Top(T0, 0, 10).Items.Select(v => v.Id));
        Assert.Equal(1, lists.Latest(0, 10).Total);
        Assert.True(lists.Get(1)!.Deleted);
    }

    [Fact]
    public void Lists_restored_from_their_checkpoint_chunks_answer_as_the_originals()
    {
        var options = new NewsOptions { TopNewsAgeLimitSeconds = 50_000 };
        var original = new NewsLists(options);
        for (var id = 1L; id <= 10_000; id++)
        {
            Submit(original, id, T0 - id * 7, votes: (int)(id % 13));
        }

        original.Apply(new NewsDeleted(5, 1, At(T0)), original.VersionOf(5) + 1);
        var restored = new NewsLists(options);
        foreach (var chunk in original.TakeChangedChunks())
        {
            restored.Restore(NewsListsSnapshot.Read(NewsListsSnapshot.Write(original.EntriesOfChunk(chunk)), options));
        }

        Assert.Equal(original.Top(T0, 0, 10_000).Items, restored.Top(T0, 0, 10_000).Items);
        Assert.Equal(original.Latest(0, 10_000).Items, restored.Latest(0, 10_000).Items);
        Assert.Equal(original.Get(5), restored.Get(5));
        Assert.Equal(original.VersionOf(77), restored.VersionOf(77));
    }

    [Fact]
    public void A_checkpoint_chunk_cut_short_does_not_read()
    {
        var lists = new NewsLists(new NewsOptions());
        Submit(lists, 1, T0, votes: 1);
        var bytes = NewsListsSnapshot.Write(lists.EntriesOfChunk(0));

        Assert.Throws<InvalidDataException>(() => NewsListsSnapshot.Read(bytes[..^4], new NewsOptions()));
        Assert.Throws<InvalidDataException>(() => NewsListsSnapshot.Read([.. bytes, 0], new NewsOptions()));
    }

    private static DateTimeOffset At(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    private static void Submit(NewsLists lists, long id, long at, int votes)
    {
        lists.Apply(new NewsSubmitted(id, 1, "alice", $"news {id}", $"https://example.com/{id}", At(at)), 1);
        for (var v = 0; v < votes; v++)
        {
            lists.Apply(new NewsUpvoted(id, 100 + v, 1, 1, At(at)), lists.VersionOf(id) + 1);
        }
    }

    /// <summary>A random site: news submitted with creation times out of order, votes both ways, deletions, edits, comments, reads.</summary>
    private sealed class Site(NewsOptions options, int seed)
    {
        private sealed record Model(long Id, long CreatedAt)
        {
            public int Up { get; set; }

            public int Down { get; set; }

            public bool Deleted { get; set; }

            public long Version { get; set; }
        }

        private readonly Random _random = new(seed);
        private readonly NewsLists _lists = new(options);
        private readonly List<Model> _news = [];
        private long _now = T0;

        public int Reads { get; private set; }

        public void Step()
        {
            var roll = _random.Next(100);
            if (roll < 12 || _news.Count == 0)
            {
                // Creation times up to twice the age limit back: late events, and news born already past the limit.
                var id = _news.Count + 1L;
                var created = _random.Next(4) == 0 ? _now - _random.NextInt64(2L * options.TopNewsAgeLimitSeconds) : _now - _random.Next(30);
                _news.Add(new Model(id, created));
                Apply(_news[^1], new NewsSubmitted(id, id % 5, $"user{id % 5}", "t", "u", At(created)));
            }
            else if (roll < 55)
            {
                var news = Pick();
                var up = _random.Next(5) != 0;
                var times = _random.Next(3) == 0 ? _random.Next(1, 40) : 1; // now and then a burst that crosses the log bonus
                for (var i = 0; i < times; i++)
                {
                    Apply(news, up ? new NewsUpvoted(news.Id, 7, 1, 1, At(_now)) : new NewsDownvoted(news.Id, 7, 1, At(_now)));
                }
            }
            else if (roll < 58)
            {
                var news = Pick();
                Apply(news, new NewsDeleted(news.Id, 1, At(_now)));
            }
            else if (roll < 62)
            {
                var news = Pick();
                Apply(news, _random.Next(2) == 0
                    ? new NewsEdited(news.Id, 1, "edited", "u2", At(_now))
                    : new CommentPosted(news.Id, 1, -1, 2, "bob", "b", null, At(_now)));
            }
            else if (roll < 90)
            {
                Read();
            }
            else
            {
                // Time moves: within the second, to the next, by hours, now and then past the age limit, rarely back.
                _now += _random.Next(10) switch
                {
                    < 4 => 0,
                    < 7 => 1,
                    < 9 => _random.Next(1, options.TopNewsAgeLimitSeconds / 4 + 2),
                    _ => _random.Next(2) == 0 ? options.TopNewsAgeLimitSeconds : -_random.Next(1, 100),
                };
            }
        }

        private Model Pick() => _news[_random.Next(_news.Count)];

        private void Apply(Model news, INewsEvent e)
        {
            Assert.True(_lists.Apply(e, news.Version + 1));
            news.Version++;
            switch (e)
            {
                case NewsUpvoted:
                    news.Up++;
                    break;
                case NewsDownvoted:
                    news.Down++;
                    break;
                case NewsDeleted:
                    news.Deleted = true;
                    break;
            }
        }

        private void Read()
        {
            var expected = _news
                .Where(n => !n.Deleted)
                .Select(n => (n.Id, n.CreatedAt, Rank: NewsRanking.Rank(NewsRanking.Score(n.Up, n.Down, options), _now - n.CreatedAt, options)))
                .OrderByDescending(n => n.Rank).ThenByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
                .Select(n => n.Id)
                .ToArray();
            var start = _random.Next(3) == 0 ? _random.Next(expected.Length + 1) : _random.Next(Math.Min(expected.Length, 40) + 1);
            var count = _random.Next(1, 65);

            var page = _lists.Top(_now, start, count);

            Assert.Equal(expected.Skip(start).Take(count), page.Items.Select(v => v.Id));
            Assert.Equal(expected.Length, page.Total);
            var latest = _news.Where(n => !n.Deleted).OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Select(n => n.Id);
            Assert.Equal(latest.Skip(start).Take(count), _lists.Latest(start, count).Items.Select(v => v.Id));
            Reads++;
        }
    }
}
