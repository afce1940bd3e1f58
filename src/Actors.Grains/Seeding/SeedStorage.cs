using Actors.Accounts;
using Actors.News;
using Actors.Users;
using Orleans.Providers;
using Orleans.Storage;

namespace Actors.Seeding;

/// <summary>What <see cref="SeedStorage"/> needs to know of a site written straight into the log (seeded or imported).</summary>
public interface ISeededSite
{
    /// <summary>The highest user id taken: the next registration gets the id after it.</summary>
    long Users { get; }

    /// <summary>The highest news id taken: the next submission gets the id after it.</summary>
    long LastNewsId { get; }

    /// <summary>Every user's session token (the auth-token pointers the gateway authenticates with).</summary>
    IEnumerable<(long UserId, string Token)> Tokens();

    /// <summary>Every user with the time of registration and the id of the first account opened for it.</summary>
    IEnumerable<(long UserId, DateTimeOffset At, Guid FirstAccount)> Registrations();

    /// <summary>Link news of the last PreventRepostTimeSeconds that are not deleted: their URL guards must hold.</summary>
    IEnumerable<(long NewsId, string Url, DateTimeOffset At)> RecentLinks(DateTimeOffset now);

    /// <summary>Users whose last submission is within the submission break at <paramref name="now"/>.</summary>
    IEnumerable<(long UserId, DateTimeOffset At)> RecentAuthors(DateTimeOffset now);
}

/// <summary>
/// The state a seeded site keeps outside the log (grain storage), written through Orleans so that a site started on
/// the seeded log goes on consistently: the id allocators (through their grains: the next news and user get the next
/// ids), and, through the default storage provider, exactly the records the grains themselves would have stored:
/// each user's auth-token pointer (<c>AuthTokenGrain.Bind</c>), the URL guards of the link news of the last 48 h
/// (<c>UrlGuardGrain</c>: a repost is answered with the old id), the last submission of authors still within the
/// submission break (<c>NewsAuthorGrain</c>) and each owner's summary line of the first account (<c>OwnerAccountsGrain</c>).
/// <para>
/// Why the provider and not a grain call each: these keys are new (tokens, URLs and accounts made by this seeding, on a
/// site whose log was empty), so no activation holds an older copy of their state, and a call per key would activate
/// (and keep in memory) hundreds of thousands of grains that no one asked for yet. Each grain reads its record on its
/// first activation, as it would after a restart.
/// </para>
/// </summary>
public sealed class SeedStorage(IGrainFactory grains, IGrainStorage storage, NewsOptions news)
{
    private const int Parallel = 64;

    /// <summary>The storage the grains' <c>[PersistentState]</c> use: the default provider.</summary>
    public static string ProviderName => ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME;

    public async Task WriteAsync(ISeededSite site, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await grains.GetGrain<IUserIdAllocatorGrain>(0).AdvanceTo(site.Users);
        await grains.GetGrain<INewsIdAllocatorGrain>(0).AdvanceTo(site.LastNewsId);

        await ForEachAsync(site.Tokens(), cancellationToken, t =>
            Write("auth-token", grains.GetGrain<IAuthTokenGrain>(t.Token).GetGrainId(), new AuthTokenState { UserId = t.UserId }));

        await ForEachAsync(site.RecentLinks(now), cancellationToken, l =>
            Write("news-url-guard", grains.GetGrain<IUrlGuardGrain>(l.Url).GetGrainId(),
                new UrlGuardState { NewsId = l.NewsId, Until = l.At.AddSeconds(news.PreventRepostTimeSeconds) }));

        await ForEachAsync(site.RecentAuthors(now), cancellationToken, a =>
            Write("news-author", grains.GetGrain<INewsAuthorGrain>(a.UserId).GetGrainId(), new NewsAuthorState { LastSubmittedAt = a.At }));

        await ForEachAsync(site.Registrations(), cancellationToken, u =>
        {
            // The line the account's statement sends its owner after AccountOpened (version 1, nothing moved yet).
            var account = u.FirstAccount;
            var lines = new OwnerLines();
            lines.Lines[account] = new OwnerAccountLine(account, AccountRules.DefaultCurrency, 0, "open", 1, u.At);
            return Write("owner-accounts", grains.GetGrain<IOwnerAccountsGrain>(u.UserId).GetGrainId(), lines);
        });
    }

    /// <summary>
    /// Writes a record only where none is stored yet. In durable modes the log's delivery runs while the seeding
    /// writes, and a projection can get there first: the account statements hand their owners the same first lines
    /// from the seeded <c>AccountOpened</c> events (at 1,000,000 news the seeding of the log takes minutes, long
    /// enough for delivery to reach them). A record the grain stored itself from the log is at least as new as this
    /// one, so the conflict means "done already", not an error.
    /// </summary>
    private async Task Write<T>(string stateName, GrainId grain, T state)
    {
        try
        {
            await storage.WriteStateAsync(stateName, grain, new GrainState<T>(state));
        }
        catch (InconsistentStateException)
        {
            // Stored by the grain itself meanwhile (see above).
        }
    }

    private static async Task ForEachAsync<T>(IEnumerable<T> items, CancellationToken cancellationToken, Func<T, Task> write) =>
        await System.Threading.Tasks.Parallel.ForEachAsync(
            items, new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken },
            async (item, _) => await write(item));
}
