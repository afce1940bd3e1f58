namespace Actors.Seeding;

/// <summary>
/// What site to generate: a deterministic history (same options and end time, same actions) of users registering, news
/// posted over <see cref="SeedOptions.Days"/> days before <c>end</c>, power-law votes and comment threads after each
/// news, and some news deleted by their author. Yields the actions in time order, as the site would have seen them;
/// <see cref="SiteReplayer"/> applies the site's rules to them (karma, the author's own vote, ...).
/// <para>
/// Streams its output: each news plans its votes and comments into a queue ordered by time, from which everything
/// due before the next news is emitted first, so memory holds only the actions of the last few hours of news, not
/// the whole history.
/// </para>
/// </summary>
public sealed class SiteGenerator(SeedOptions options, DateTimeOffset end, int submissionBreakSeconds, int editTimeSeconds)
{
    private static readonly TimeSpan VoteMeanDelay = TimeSpan.FromHours(6);
    private static readonly TimeSpan CommentMeanDelay = TimeSpan.FromHours(8);
    private static readonly string[] Words =
    [
        "rust", "orleans", "actors", "redis", "postgres", "latency", "kernel", "compiler", "garbage", "collector",
        "distributed", "consensus", "queues", "streams", "ranking", "votes", "karma", "cache", "index", "lisp",
        "fast", "slow", "why", "how", "new", "old", "small", "large", "show", "ask",
    ];

    private readonly Random _random = new(options.Seed);
    private readonly PriorityQueue<SiteAction, (long Ticks, long Seq)> _due = new();
    private long _seq;

    private DateTimeOffset Start => end - TimeSpan.FromDays(options.Days);

    private long SpanTicks => TimeSpan.FromDays(options.Days).Ticks;

    /// <summary>
    /// When user <paramref name="id"/> registered: the first tenth of the users within the first hour (so the first news
    /// have voters), the rest evenly over the first 80% of the period. Increasing in the id, as the id allocator makes it.
    /// </summary>
    public DateTimeOffset UserRegisteredAt(long id)
    {
        var users = options.UserCount;
        var early = Math.Max(1, users / 10);
        if (id <= early)
        {
            return Start + TimeSpan.FromTicks(TimeSpan.FromHours(1).Ticks * (id - 1) / early);
        }

        return Start + TimeSpan.FromHours(1) + TimeSpan.FromTicks((long)((SpanTicks * 0.8 - TimeSpan.FromHours(1).Ticks) * (id - early) / (users - early + 1.0)));
    }

    public IEnumerable<SiteAction> Generate()
    {
        var users = options.UserCount;
        var lastSubmitted = new long[users + 1];
        long nextUser = 1;
        for (long newsId = 1; newsId <= options.News; newsId++)
        {
            // News ids follow creation time, as the allocator hands them out: news i falls in the i-th slice of the period.
            var at = Start + TimeSpan.FromTicks((long)(SpanTicks * (newsId - 1 + _random.NextDouble()) / options.News));
            at = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
            foreach (var action in DueBefore(at.UtcTicks, ref nextUser))
            {
                yield return action;
            }

            var registered = nextUser - 1;
            var author = PickAuthor(registered, lastSubmitted, at);
            lastSubmitted[author] = at.UtcTicks;
            var text = _random.NextDouble() * 100 < options.TextPercent;
            var title = $"{Word()} {Word()} {Word()} #{newsId}";
            yield return text
                ? new NewsPosted(newsId, author, title, "", $"A text post about {Word()} and {Word()} (seeded news {newsId}).", at)
                : new NewsPosted(newsId, author, title, $"https://example.com/seed{options.Seed}/{newsId}/{Word()}", "", at);

            var until = end.UtcTicks;
            if (_random.NextDouble() * 100 < options.DeletedPercent)
            {
                var deletedAt = at + TimeSpan.FromSeconds(1 + _random.Next(Math.Max(1, editTimeSeconds - 2)));
                if (deletedAt < end)
                {
                    Plan(new NewsRemoved(newsId, author, deletedAt));
                    until = deletedAt.UtcTicks; // a deleted news takes no more votes or comments
                }
            }

            PlanVotes(newsId, author, registered, at, until);
            PlanComments(newsId, registered, at, until);
        }

        foreach (var action in DueBefore(end.UtcTicks + 1, ref nextUser))
        {
            yield return action;
        }
    }

    /// <summary>Registrations and planned actions before <paramref name="ticks"/>, merged in time order.</summary>
    private IEnumerable<SiteAction> DueBefore(long ticks, ref long nextUser)
    {
        var actions = new List<SiteAction>();
        while (true)
        {
            var userAt = nextUser <= options.UserCount ? UserRegisteredAt(nextUser).UtcTicks : long.MaxValue;
            var plannedAt = _due.TryPeek(out _, out var key) ? key.Ticks : long.MaxValue;
            if (userAt <= ticks && userAt <= plannedAt)
            {
                actions.Add(new UserRegistered(nextUser, $"user{nextUser}", new DateTimeOffset(userAt, TimeSpan.Zero)));
                nextUser++;
            }
            else if (plannedAt < ticks)
            {
                actions.Add(_due.Dequeue());
            }
            else
            {
                return actions;
            }
        }
    }

    /// <summary>Early users post more (a skew towards low ids); nobody but the admin (user 1) posts within the submission break.</summary>
    private long PickAuthor(long registered, long[] lastSubmitted, DateTimeOffset at)
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var u = _random.NextDouble();
            var candidate = 1 + (long)(registered * u * u);
            if (candidate == 1 || lastSubmitted[candidate] == 0
                || at.UtcTicks - lastSubmitted[candidate] > TimeSpan.FromSeconds(submissionBreakSeconds).Ticks)
            {
                return candidate;
            }
        }

        return 1;
    }

    private void PlanVotes(long newsId, long author, long registered, DateTimeOffset at, long until)
    {
        var count = (int)Math.Min(Math.Min(Pareto(options.VoteShape) - 1, options.MaxVotes), registered - 1);
        if (count <= 0)
        {
            return;
        }

        foreach (var voter in DistinctUsers(count, registered, author))
        {
            var votedAt = at + TimeSpan.FromTicks(1 + (long)(Exponential() * VoteMeanDelay.Ticks));
            if (votedAt.UtcTicks < until)
            {
                Plan(new NewsVoted(newsId, voter, _random.NextDouble() * 100 >= options.DownvotePercent, votedAt));
            }
        }
    }

    private void PlanComments(long newsId, long registered, DateTimeOffset at, long until)
    {
        var count = (int)Math.Min(Pareto(options.CommentShape) - 1, options.MaxComments);
        if (count <= 0)
        {
            return;
        }

        var times = new long[count];
        for (var i = 0; i < count; i++)
        {
            times[i] = at.UtcTicks + 1 + (long)(Exponential() * CommentMeanDelay.Ticks);
        }

        // In time order, so the k-th comment gets id k and may reply to any earlier one.
        Array.Sort(times);
        for (var k = 0; k < count && times[k] < until; k++)
        {
            var parent = k == 0 || _random.NextDouble() < 0.5 ? -1 : 1 + _random.Next(k);
            var writer = 1 + _random.NextInt64(registered);
            Plan(new CommentWritten(newsId, writer, parent, $"Seeded comment {k + 1} on news {newsId}: {Word()} {Word()}.", new DateTimeOffset(times[k], TimeSpan.Zero)));
        }
    }

    /// <summary><paramref name="count"/> distinct users among 1..<paramref name="registered"/>, never <paramref name="except"/>.</summary>
    private IEnumerable<long> DistinctUsers(int count, long registered, long except)
    {
        if (count * 2L > registered - 1)
        {
            // Most of a small population: shuffle it (only early news, where few users exist yet).
            var all = new List<long>((int)registered);
            for (long u = 1; u <= registered; u++)
            {
                if (u != except)
                {
                    all.Add(u);
                }
            }

            for (var i = 0; i < count; i++)
            {
                var j = i + _random.Next(all.Count - i);
                (all[i], all[j]) = (all[j], all[i]);
            }

            return all.Take(count).ToArray();
        }

        var picked = new HashSet<long>(count);
        var order = new List<long>(count);
        while (order.Count < count)
        {
            var u = 1 + _random.NextInt64(registered);
            if (u != except && picked.Add(u))
            {
                order.Add(u);
            }
        }

        return order;
    }

    private void Plan(SiteAction action) => _due.Enqueue(action, (action.At.UtcTicks, _seq++));

    /// <summary>A Pareto(1, <paramref name="shape"/>) draw, floored: 1 most of the time, occasionally very large.</summary>
    private long Pareto(double shape) => (long)Math.Min(1e9, Math.Pow(1 - _random.NextDouble(), -1 / shape));

    private double Exponential() => -Math.Log(1 - _random.NextDouble());

    private string Word() => Words[_random.Next(Words.Length)];
}
