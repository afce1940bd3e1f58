using Actors.EventSourcing;
using Actors.News;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Actors.Seeding.Lamernews;

/// <summary>
/// Writes the import's events to the log, leaving out the versions each stream already has: the import's streams are
/// a pure function of the Redis contents, and the log commits a batch whole, so what an interrupted run left is a
/// prefix of every stream, and a rerun writes exactly the rest (nothing twice).
/// </summary>
public sealed class ResumingSink(LogBatchWriter writer, IReadOnlyDictionary<string, long> present) : IImportSink
{
    public long Written { get; private set; }

    public long AlreadyThere { get; private set; }

    public void Append(string streamId, long version, object e)
    {
        if (present.TryGetValue(streamId, out var have) && version <= have)
        {
            AlreadyThere++;
            return;
        }

        writer.Append(streamId, version, e);
        Written++;
    }

    public Task EndActionAsync() => writer.EndActionAsync();
}

/// <summary>A dry run: counts the events, writes nothing.</summary>
public sealed class CountingSink : IImportSink
{
    public long Events { get; private set; }

    public void Append(string streamId, long version, object e) => Events++;

    public Task EndActionAsync() => Task.CompletedTask;
}

/// <summary>The import with the services of a host that runs a silo (the silo's <c>import-lamernews</c> command).</summary>
public static class LamernewsImportServices
{
    private static readonly HashSet<string> SiteCategories = new(StringComparer.Ordinal) { UserStreams.Category, "usernames", NewsStreams.Category };

    /// <summary>
    /// Imports <paramref name="site"/> into the event log, then writes what lives beside the log (id allocators past
    /// the imported ids, session-token pointers, URL guards, submission breaks, account summaries: <see cref="SeedStorage"/>)
    /// and lets the read models start from the imported log as after a seeding (<see cref="SeedingServices.FinishBulkWriteAsync"/>).
    /// The log must hold no users or news but an earlier run's of this import (then only what is missing is written).
    /// </summary>
    /// <exception cref="InvalidOperationException">The log holds a site that was not imported.</exception>
    public static async Task<LamernewsImportReport> ImportLamernewsAsync(
        this IServiceProvider services, LamernewsSite site, int lamernewsIterations, Action<string> progress, CancellationToken cancellationToken = default)
    {
        var log = services.GetRequiredService<IEventLog>();
        var news = services.GetRequiredService<IOptions<NewsOptions>>().Value;
        var (present, issued) = await ReadEarlierRunAsync(log, progress, cancellationToken);
        var import = new LamernewsImport(site, news, lamernewsIterations, issued);
        var writer = new LogBatchWriter(log, LamernewsImport.Metadata, streamsPerBatch: 500);
        var sink = new ResumingSink(writer, present);
        await import.RunAsync(sink, m => progress($"{m} ({sink.Written:N0} events written)"), cancellationToken);
        await writer.CompleteAsync();
        import.Report.EventsWritten = sink.Written;
        import.Report.EventsAlreadyThere = sink.AlreadyThere;
        progress($"log: {sink.Written:N0} events written, {sink.AlreadyThere:N0} already there; writing grain storage");

        var storage = services.GetRequiredKeyedService<IGrainStorage>(SeedStorage.ProviderName);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await new SeedStorage(services.GetRequiredService<IGrainFactory>(), storage, news).WriteAsync(import, now, cancellationToken);
        progress("grain storage written; indexing the user lists and checkpointing the news lists");
        await services.FinishBulkWriteAsync(cancellationToken);
        return import.Report;
    }

    /// <summary>A dry run: reads nothing but the site, writes nothing, reports what an import into an empty log would write.</summary>
    public static async Task<LamernewsImportReport> DryRunAsync(LamernewsSite site, NewsOptions news, int lamernewsIterations, Action<string> progress)
    {
        var import = new LamernewsImport(site, news, lamernewsIterations);
        var sink = new CountingSink();
        await import.RunAsync(sink, progress);
        import.Report.DryRun = true;
        import.Report.EventsWritten = sink.Events;
        return import.Report;
    }

    /// <summary>
    /// The versions an earlier run left in each stream, and the credentials it issued (a user without a token in Redis
    /// got a random one, which a rerun must not replace). Refuses a log with users or news of another origin.
    /// </summary>
    public static async Task<(Dictionary<string, long> Present, Dictionary<long, (string, string)> Issued)> ReadEarlierRunAsync(
        IEventLog log, Action<string> progress, CancellationToken cancellationToken)
    {
        var present = new Dictionary<string, long>(StringComparer.Ordinal);
        var issued = new Dictionary<long, (string, string)>();
        long position = 0;
        while (await log.ReadAllAsync(position, 4096, null, cancellationToken) is { Count: > 0 } page)
        {
            foreach (var e in page)
            {
                if (SiteCategories.Contains(e.Category) && e.CorrelationId != LamernewsImport.CorrelationId)
                {
                    throw new InvalidOperationException(
                        $"The event log already holds users or news that were not imported from Lamernews (stream {e.StreamId}): import into a new database.");
                }

                present[e.StreamId] = Math.Max(present.GetValueOrDefault(e.StreamId), e.Version);
                if (e.Data is UserCredentialsIssued c)
                {
                    issued[c.UserId] = (c.AuthToken, c.ApiSecret);
                }
            }

            position = page[^1].Position;
        }

        if (present.Count > 0)
        {
            progress($"the log holds {present.Count:N0} streams of an earlier run of this import: writing only what they miss");
        }

        return (present, issued);
    }
}
