using System.Globalization;
using Actors.EventSourcing;
using Actors.Hosting;
using Actors.Observability;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Actors.News;

/// <summary>
/// One news item and its comment thread, event-sourced on stream <c>news-{id}</c>.
/// Comments live in the same aggregate as the news: every comment rule reads the news' state (exists, deleted) and the
/// comment ids are a per-news sequence, so one consistency boundary keeps those checks exact without cross-grain calls;
/// a thread is small enough (and written rarely enough) to share the news' one-command-at-a-time turn.
/// </summary>
/// <remarks>
/// Lifetime: a news grain holds nothing the log does not (it folds its stream on activation: a few µs in memory, one
/// indexed read in PostgreSQL), and an activation costs ~4.5 KB (Orleans' activation, the stream handle, the state),
/// more than the news itself. So it leaves right after its submission (the front page and the latest list are served
/// by the ranking grain, not by news grains; the first vote or comment brings it back) and after 2 idle minutes
/// instead of the default 15 (a news being voted on or read stays active). Before, every submission kept its grain
/// for 15 minutes: 7.5 KB of heap per news right after a burst of submissions.
/// </remarks>
[CollectionAgeLimit("00:02:00")]
public sealed class NewsGrain(IOptions<NewsOptions> options, [FromKeyedServices(DomainClock.Key)] TimeProvider clock) : MultiStreamGrain<NewsState, INewsEvent>, INewsGrain
{
    private readonly NewsOptions _options = options.Value;
    private readonly PostLimits _limits = PostLimits.Of(options.Value);
    private readonly VotePrices _votePrices = VotePrices.Of(options.Value);
    private string? _streamId;

    protected override string StreamId =>
        _streamId ??= EventStreams.StreamOf(NewsStreams.Category, this.GetPrimaryKeyLong().ToString(CultureInfo.InvariantCulture));

    protected override NewsState Initial => NewsDecider.Initial;

    protected override NewsState Evolve(NewsState state, INewsEvent @event) => NewsDecider.Evolve(state, @event);

    private long NewsId => this.GetPrimaryKeyLong();

    public async Task<NewsCommandResult> Submit(long userId, string username, string title, string url, string text)
    {
        var (rejection, _) = await Run(new NewsCommand.Submit(NewsId, userId, username, title, url, text, _limits, clock.GetUtcNow()));
        DeactivateOnIdle(); // its submission was its job (see the remarks above)
        return rejection is null ? Done(NewsId) : NewsCommandResult.Refused(rejection);
    }

    public async Task<NewsCommandResult> Edit(long userId, string title, string url, string text)
    {
        if (!State.Exists)
        {
            return NewsCommandResult.Refused(NewsRejections.EditRefused);
        }

        var isAdmin = await IsAdmin(userId);
        var command = new NewsCommand.Edit(userId, isAdmin, title, url, text, null, _limits, _options.NewsEditTimeSeconds, clock.GetUtcNow());

        // Even an edit may not take the link of a recently posted news. Claim the new link before the edit is appended,
        // so two edits cannot both take it; the decider only moves the news to a link it is told is claimed.
        var claimed = NewsDecider.UrlToClaim(command, State);
        if (claimed is not null)
        {
            if (!await GrainFactory.GetGrain<IUrlGuardGrain>(claimed).ClaimFor(NewsId))
            {
                return NewsCommandResult.Refused(NewsRejections.EditRefused);
            }

            command = command with { ClaimedUrl = claimed };
        }

        // The link before the edit, read off the state the edit is decided on (the shell may have reloaded it).
        var oldUrl = State.Url;
        var (rejection, _) = await DecideAsync(
            state =>
            {
                oldUrl = state.Url;
                return NewsDecider.Decide(command, state);
            },
            command: nameof(NewsCommand.Edit));
        if (claimed is not null && State.Url != claimed)
        {
            // Claimed, but the decision did not move the news there (refused, or decided on a state reloaded meanwhile).
            await GrainFactory.GetGrain<IUrlGuardGrain>(claimed).Release(NewsId);
        }

        if (rejection is not null)
        {
            return NewsCommandResult.Refused(rejection);
        }

        if (State.Url != oldUrl && !NewsRules.IsTextUrl(oldUrl))
        {
            await GrainFactory.GetGrain<IUrlGuardGrain>(oldUrl).Release(NewsId);
        }

        return Done(NewsId);
    }

    public async Task<NewsCommandResult> Delete(long userId)
    {
        if (!State.Exists)
        {
            return NewsCommandResult.Refused(NewsRejections.DeleteRefused);
        }

        var isAdmin = await IsAdmin(userId);
        var (rejection, events) = await Run(new NewsCommand.Delete(userId, isAdmin, _options.NewsEditTimeSeconds, clock.GetUtcNow()));
        if (rejection is not null)
        {
            return NewsCommandResult.Refused(rejection);
        }

        if (events.Count > 0 && !State.IsTextPost)
        {
            // The decisions table: a deleted news releases its URL, so the link can be posted again.
            await GrainFactory.GetGrain<IUrlGuardGrain>(State.Url).Release(NewsId);
        }

        return Done(-1);
    }

    public async Task<NewsCommandResult> Vote(long userId, VoteDirection direction)
    {
        var command = new NewsCommand.Vote(userId, direction, _votePrices, clock.GetUtcNow());

        // The news' own checks (exists, deleted, duplicate) come first so a refused vote costs nothing. A vote with a
        // price is then recorded by the voter's grain, which checks and spends the karma (parallel votes of one user
        // cannot overspend) and appends the vote with the spend in one commit (PayForVote). This grain keeps its turn
        // meanwhile, so the version it hands over stays its stream's; it takes the recorded vote in afterwards.
        var (version, decision) = await PrepareAsync(state => NewsDecider.Decide(command, state), nameof(NewsCommand.Vote));
        if (decision.Rejection is { } rejection)
        {
            return NewsCommandResult.Refused(rejection);
        }

        if (NewsDecider.KarmaPrice(command, State) is not { } price)
        {
            // Free (a vote on one's own news): an ordinary command, appended by the shell.
            var (refused, _) = await Run(command);
            return refused is null ? Done(NewsId) : NewsCommandResult.Refused(refused);
        }

        var reason = string.Create(CultureInfo.InvariantCulture, $"vote {(direction == VoteDirection.Up ? "up" : "down")} {StreamId}");
        IReadOnlyList<RecordedEvent>? recorded;
        try
        {
            recorded = await GrainFactory.GetGrain<IUserGrain>(userId).PayForVote(price.Minimum, price.Cost, reason, StreamId, version, decision.Events);
        }
        catch
        {
            DeactivateOnIdle(); // the vote may or may not be in the log: the next activation reads it
            throw;
        }

        if (recorded is null)
        {
            var notEnoughKarma = NewsRejections.NotEnoughKarma(direction);
            ActorsMetrics.RecordDecision(nameof(NewsGrain), nameof(NewsCommand.Vote), "rejected", notEnoughKarma);
            return NewsCommandResult.Refused(notEnoughKarma);
        }

        await LearnAsync(recorded, nameof(NewsCommand.Vote));
        return Done(NewsId);
    }

    public async Task<NewsCommandResult> PostComment(long userId, long parentId, string body)
    {
        if (!State.Exists)
        {
            return NewsCommandResult.Refused(NewsRejections.InvalidComment);
        }

        var profile = await GrainFactory.GetGrain<IUserGrain>(userId).GetProfile();
        if (profile is null)
        {
            return NewsCommandResult.Refused(NewsRejections.InvalidComment);
        }

        var (rejection, events) = await Run(new NewsCommand.PostComment(userId, profile.Username, parentId, body, _options.CommentMaxLength, clock.GetUtcNow()));
        return rejection is null
            ? Done(((CommentPosted)events[0].Data).CommentId, "insert")
            : NewsCommandResult.Refused(rejection);
    }

    public async Task<NewsCommandResult> EditComment(long userId, long commentId, string body)
    {
        // Lamernews' convention: editing a comment to nothing deletes it.
        var now = clock.GetUtcNow();
        var (command, op) = body.Length == 0
            ? ((NewsCommand)new NewsCommand.DeleteComment(userId, commentId, _options.CommentEditTimeSeconds, now), "delete")
            : (new NewsCommand.EditComment(userId, commentId, body, _options.CommentMaxLength, _options.CommentEditTimeSeconds, now), "update");
        var (rejection, _) = await Run(command);
        return rejection is null ? Done(commentId, op) : NewsCommandResult.Refused(rejection);
    }

    public async Task<NewsCommandResult> VoteComment(long userId, long commentId, VoteDirection direction)
    {
        var (rejection, _) = await Run(new NewsCommand.VoteComment(userId, commentId, direction, clock.GetUtcNow()));
        return rejection is null ? Done(commentId) : NewsCommandResult.Refused(rejection);
    }

    public Task<NewsView?> Get() => Task.FromResult(State.Exists ? ViewOf(State) : Missing<NewsView>());

    public Task<CommentThreadView?> GetThread(long? viewerId)
    {
        if (!State.Exists)
        {
            return Task.FromResult(Missing<CommentThreadView>());
        }

        var comments = State.Comments.Values
            .Select(c => new CommentView(
                NewsId, c.Id, c.ParentId, c.AuthorId, c.Username, c.Deleted ? null : c.Body, c.CreatedAt.ToUnixTimeSeconds(),
                c.Upvoters.Count, c.Downvoters.Count, c.Deleted,
                viewerId is { } v ? c.Upvoters.Contains(v) ? VoteDirection.Up : c.Downvoters.Contains(v) ? VoteDirection.Down : null : null))
            .ToArray();
        return Task.FromResult<CommentThreadView?>(new CommentThreadView(ViewOf(State), comments));
    }

    /// <summary>
    /// The answer for a news that does not exist. Anyone can ask for any id, so the activation leaves at once instead of
    /// staying for the collection age: a flood of random ids costs a read each, not memory for minutes.
    /// </summary>
    private T? Missing<T>()
        where T : class
    {
        DeactivateOnIdle();
        return null;
    }

    /// <summary>Success, carrying the position of the last event appended (read-your-writes for realtime clients).</summary>
    private NewsCommandResult Done(long id, string? op = null) => NewsCommandResult.Done(id, op) with { Position = Position, Version = Version };

    private NewsView ViewOf(NewsState s) => new(
        s.Id, s.Title, s.Url, s.AuthorId, s.Username, s.CreatedAt.ToUnixTimeSeconds(),
        s.Upvoters.Count, s.Downvoters.Count, s.CommentCount, s.Score(_options), s.Deleted,
        NewsDecider.EditableUntil(s, _options.NewsEditTimeSeconds));

    private Task<(Rejection? Rejection, IReadOnlyList<RecordedEvent> Events)> Run(NewsCommand command) =>
        DecideAsync(state => NewsDecider.Decide(command, state), command: command.GetType().Name);

    private async Task<bool> IsAdmin(long userId) =>
        (await GrainFactory.GetGrain<IUserGrain>(userId).GetProfile())?.IsAdmin ?? false;
}
