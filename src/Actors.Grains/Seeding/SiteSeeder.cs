using System.Diagnostics;
using Actors.EventSourcing;
using Actors.News;
using Actors.Users;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Actors.Seeding;

/// <summary>What a seeding wrote, and how fast.</summary>
public sealed record SeedReport(long Users, long News, long Votes, long VotesRefused, long Comments, long Deleted, long Events, TimeSpan Elapsed)
{
    public double EventsPerSecond => Events / Math.Max(Elapsed.TotalSeconds, 1e-3);

    public override string ToString() =>
        $"{Users:N0} users, {News:N0} news ({Deleted:N0} deleted), {Votes:N0} votes ({VotesRefused:N0} refused), {Comments:N0} comments: " +
        $"{Events:N0} events in {Elapsed.TotalSeconds:N1} s ({EventsPerSecond:N0} events/s)";
}

/// <summary>
/// Builds a site straight into the event log: <see cref="SiteGenerator"/> (what happened) through
/// <see cref="SiteReplayer"/> (the events the grains would have recorded) into <see cref="LogBatchWriter"/>, then the
/// grain storage that lives beside the log (<see cref="SeedStorage"/>). Needs a log without users or news.
/// </summary>
public sealed class SiteSeeder(
    IEventLog log, IGrainFactory grains, IGrainStorage storage, NewsOptions news, EventDeliveryOptions delivery, TimeProvider clock, ILogger logger)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(3);

    public async Task<SeedReport> SeedAsync(SeedOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        if ((await log.ReadAllAsync(0, 1, UserStreams.Category, cancellationToken)).Count > 0
            || (await log.ReadAllAsync(0, 1, NewsStreams.Category, cancellationToken)).Count > 0)
        {
            throw new InvalidOperationException("The event log already holds users or news: seeding builds a new site on an empty log.");
        }

        var started = Stopwatch.StartNew();
        var now = clock.GetUtcNow();
        logger.LogInformation("Seeding {News:N0} news, {Users:N0} users over {Days} days (seed {Seed})", options.News, options.UserCount, options.Days, options.Seed);

        // In memory mode the per-user read models are fed by publishing after each append (and never rebuild), so they
        // are handed their share of the seeded events at the end; in durable modes they rebuild from the log on first read.
        var perUser = delivery.PublishAfterAppend ? new Dictionary<long, List<RecordedEvent>>() : null;
        var writer = new LogBatchWriter(log, SiteReplayer.Metadata) { Recorded = perUser is null ? null : e => Collect(perUser, e) };
        var hash = PasswordHashing.Hash(options.Password, options.PasswordHashIterations);
        var site = new SiteReplayer(news, hash, writer);
        var generator = new SiteGenerator(options, now, news.NewsSubmissionBreakSeconds, news.NewsEditTimeSeconds);
        var lastReport = TimeSpan.Zero;
        foreach (var action in generator.Generate())
        {
            site.Replay(action);
            await writer.EndActionAsync();
            if (started.Elapsed - lastReport >= ProgressEvery)
            {
                cancellationToken.ThrowIfCancellationRequested();
                lastReport = started.Elapsed;
                logger.LogInformation(
                    "Seeding: {Done:N0}/{News:N0} news, {Users:N0} users, {Events:N0} events ({Rate:N0} events/s)",
                    site.LastNewsId, options.News, site.Users, writer.Written, writer.Written / started.Elapsed.TotalSeconds);
            }
        }

        await writer.CompleteAsync();
        logger.LogInformation("Seeding: {Events:N0} events in the log after {Seconds:N1} s; writing grain storage", writer.Written, started.Elapsed.TotalSeconds);
        await new SeedStorage(grains, storage, news).WriteAsync(site, now, cancellationToken);
        if (perUser is not null)
        {
            logger.LogInformation("Seeding: grain storage written after {Seconds:N1} s; handing {Users:N0} users their activity lists", started.Elapsed.TotalSeconds, perUser.Count);
            await Parallel.ForEachAsync(perUser, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (user, _) => await grains.GetGrain<IUserNewsGrain>(user.Key).ApplyMany(user.Value));
        }

        var report = new SeedReport(site.Users, site.LastNewsId, site.Votes, site.VotesRefused, site.Comments, site.Deleted, writer.Written, started.Elapsed);
        logger.LogInformation("Seeded {Report}", report.ToString());
        return report;
    }

    /// <summary>The news events a user's activity list folds (the ones <c>NewsActivityFeedGrain</c> hands it).</summary>
    private static void Collect(Dictionary<long, List<RecordedEvent>> perUser, RecordedEvent e)
    {
        long? user = e.Data switch
        {
            NewsSubmitted s => s.UserId,
            NewsUpvoted v => v.VoterId,
            NewsDownvoted v => v.VoterId,
            CommentPosted c => c.UserId,
            _ => null,
        };
        if (user is { } id)
        {
            if (!perUser.TryGetValue(id, out var list))
            {
                perUser[id] = list = [];
            }

            list.Add(e);
        }
    }
}
