using Actors.Hosting;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Actors.News;

/// <summary>When a user last submitted a news item.</summary>
[GenerateSerializer, Alias("news.author-state")]
public sealed class NewsAuthorState
{
    [Id(0)] public DateTimeOffset? LastSubmittedAt { get; set; }
}

/// <summary>
/// The submission path of one user: shape checks, the submission break (admins exempt), the duplicate-URL guard, id
/// allocation, then the news grain. Keyed by user id, so one user's submissions are handled one at a time and two
/// parallel submissions cannot both slip through the break.
/// </summary>
/// <remarks>
/// Collected after 2 idle minutes, not the default 15: an author's next submission comes after the submission break
/// (15 min by default) at the earliest, so the activation (~3 KB) would mostly sit idle, and coming back costs one read
/// of a small state from grain storage.
/// </remarks>
[CollectionAgeLimit("00:02:00")]
public sealed class NewsAuthorGrain(
    [PersistentState("news-author")] IPersistentState<NewsAuthorState> state,
    IOptions<NewsOptions> options,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock) : Grain, INewsAuthorGrain
{
    private readonly NewsOptions _options = options.Value;

    public async Task<NewsCommandResult> Submit(string title, string url, string text)
    {
        var (_, storedUrl, rejection) = NewsRules.Validate(title, url, text, PostLimits.Of(_options));
        if (rejection is not null)
        {
            return NewsCommandResult.Refused(rejection);
        }

        var userId = this.GetPrimaryKeyLong();
        var profile = await GrainFactory.GetGrain<IUserGrain>(userId).GetProfile();
        if (profile is null)
        {
            return NewsCommandResult.Refused(NewsRejections.NoSuchNews);
        }

        var now = clock.GetUtcNow();
        var tooSoon = NewsDecider.DecideSubmissionBreak(
            new StartSubmission(profile.IsAdmin, _options.NewsSubmissionBreakSeconds, now), state.State.LastSubmittedAt);
        if (tooSoon is not null)
        {
            return NewsCommandResult.Refused(tooSoon);
        }

        long newsId;
        IUrlGuardGrain? guard = null;
        if (NewsRules.IsTextUrl(storedUrl))
        {
            newsId = await GrainFactory.GetGrain<INewsIdAllocatorGrain>(0).Next();
        }
        else
        {
            guard = GrainFactory.GetGrain<IUrlGuardGrain>(storedUrl);
            var claim = await guard.ClaimNew();
            if (!claim.Claimed)
            {
                // Posted recently: Lamernews answers with the existing id and creates nothing (no break either).
                return NewsCommandResult.Done(claim.NewsId);
            }

            newsId = claim.NewsId;
        }

        var result = await GrainFactory.GetGrain<INewsGrain>(newsId).Submit(userId, profile.Username, title, url, text);
        if (!result.Ok)
        {
            if (guard is not null)
            {
                await guard.Release(newsId);
            }

            return result;
        }

        state.State.LastSubmittedAt = now;
        await state.WriteStateAsync();
        return result;
    }
}
