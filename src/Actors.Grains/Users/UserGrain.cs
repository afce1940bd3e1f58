using Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using System.Text;
using Actors.EventSourcing;
using Actors.News;
using Actors.Observability;
using Microsoft.Extensions.Options;

namespace Actors.Users;

/// <summary>One user: stream <c>users-{id}</c>. Thin shell around <see cref="UserDecider"/>.</summary>
public sealed class UserGrain([FromKeyedServices(DomainClock.Key)] TimeProvider time, IOptions<NewsOptions> news, IOptions<UsersOptions> users)
    : MultiStreamGrain<UserState, IUserEvent>, IUserGrain
{
    private readonly NewsOptions _news = news.Value;
    private readonly UsersOptions _users = users.Value;

    protected override string StreamId => EventStreams.StreamOf("users", this.GetPrimaryKeyLong().ToString(System.Globalization.CultureInfo.InvariantCulture));

    protected override UserState Initial => UserDecider.Initial;

    protected override UserState Evolve(UserState state, IUserEvent @event) => UserDecider.Evolve(state, @event);

    private Task<(Rejection? Rejection, IReadOnlyList<RecordedEvent> Events)> Handle(UserCommand command) =>
        DecideAsync(state => UserDecider.Decide(command, state), command: command.GetType().Name);

    public Task<UserProfile?> GetProfile() => Task.FromResult(State.Exists
        ? new UserProfile(State.Id, State.Username, State.CreatedAt, State.Karma, State.About, State.Email, State.IsAdmin, State.Replies)
        : null);

    public async Task<IReadOnlyList<RecordedEvent>?> PayForVote(
        int minimum, int cost, string reason, string newsStream, long newsVersion, IReadOnlyList<INewsEvent> vote)
    {
        // Spend and vote in one commit. Spending first and appending the vote after (as before) lost the karma whenever
        // the vote's append failed, and nothing gave it back; one commit also costs one log write instead of two.
        var (_, decision) = await PrepareAsync(
            state => UserDecider.Decide(new UserCommand.SpendKarma(minimum, cost, reason, time.GetUtcNow()), state), nameof(UserCommand.SpendKarma));
        if (decision.Rejection is not null)
        {
            return null;
        }

        var recorded = await AppendTogetherAsync(
            decision.Events, [new StreamAppend(newsStream, newsVersion, [.. vote], MetadataFor(null))], command: nameof(UserCommand.SpendKarma));
        return recorded[1];
    }

    public async Task CreditKarma(int amount, string sourceStream, long sourceVersion) =>
        await Handle(new UserCommand.CreditKarma(amount, sourceStream, sourceVersion, time.GetUtcNow()));

    public async Task NoteReply(string sourceStream, long sourceVersion) =>
        await Handle(new UserCommand.NoteReply(sourceStream, sourceVersion, time.GetUtcNow()));

    public async Task<Rejection?> Create(NewUser user)
    {
        var id = this.GetPrimaryKeyLong();
        var (rejection, _) = await Handle(new UserCommand.CreateUser(
            id, user.Username, user.PasswordHash, user.AuthToken, user.ApiSecret, _news.UserInitialKarma, Guid.NewGuid(), time.GetUtcNow()));
        if (rejection is null)
        {
            // Also on a retry (no new events): the pointer may be what the earlier attempt failed to write.
            await GrainFactory.GetGrain<IAuthTokenGrain>(State.AuthToken).Bind(id);
        }

        return rejection;
    }

    public async Task<UserSession?> Authenticate(string authToken)
    {
        if (!State.Exists || !SameToken(authToken, State.AuthToken) || time.GetUtcNow() >= SessionExpiresAt)
        {
            return null;
        }

        // Every authenticated request is activity: the hourly increment is applied here, once per interval.
        await Handle(new UserCommand.TickKarma(_news.KarmaIncrementIntervalSeconds, _news.KarmaIncrementAmount, time.GetUtcNow()));
        return new UserSession(
            State.Id, State.Username, State.Karma, State.IsAdmin, State.ApiSecret, State.Replies,
            State.KarmaIncrementedAt + TimeSpan.FromSeconds(_news.KarmaIncrementIntervalSeconds), SessionExpiresAt);
    }

    private DateTimeOffset SessionExpiresAt => UserDecider.SessionExpiresAt(State, _users.SessionLifetimeSeconds);

    public async Task<SessionRenewal> SignIn()
    {
        var old = State.AuthToken;
        var (rejection, events) = await Handle(new UserCommand.SignIn(
            PasswordHashing.NewToken(), PasswordHashing.NewToken(), _users.SessionLifetimeSeconds, time.GetUtcNow()));
        if (rejection is not null)
        {
            return new SessionRenewal(rejection);
        }

        await RebindTokenAsync(old, events);
        return Renewal();
    }

    private SessionRenewal Renewal() => new(null, State.AuthToken, State.ApiSecret, SessionExpiresAt);

    public Task<UserCredentials?> GetCredentials() => Task.FromResult(State.Exists
        ? new UserCredentials(State.Id, State.Username, State.PasswordHash, State.AuthToken, State.ApiSecret)
        : null);

    public async Task<bool> Logout(string authToken)
    {
        if (!State.Exists || !SameToken(authToken, State.AuthToken))
        {
            return false;
        }

        var old = State.AuthToken;
        var (rejection, events) = await Handle(new UserCommand.RotateAuthToken(old, PasswordHashing.NewToken(), PasswordHashing.NewToken(), time.GetUtcNow()));
        await RebindTokenAsync(old, events);
        return rejection is null;
    }

    public async Task<SessionRenewal> UpdateProfile(string about, string email, string? passwordHash)
    {
        var old = State.AuthToken;
        var (rejection, events) = await Handle(new UserCommand.UpdateProfile(
            about, email, passwordHash, _users.AboutMaxLength, _users.EmailMaxLength, PasswordHashing.NewToken(), PasswordHashing.NewToken(), time.GetUtcNow()));
        return await RebindTokenAsync(old, events)
            ? Renewal()
            : new SessionRenewal(rejection);
    }

    public async Task<PasswordResetTicket> RequestPasswordReset(string email)
    {
        // The link carries a token of its own, single-use and short-lived; the session token never leaves by mail.
        var token = PasswordHashing.NewToken();
        var (rejection, _) = await Handle(new UserCommand.RequestPasswordReset(
            email, _news.PasswordResetDelaySeconds, PasswordHashing.TokenHash(token), _users.PasswordResetLinkLifetimeSeconds, time.GetUtcNow()));
        return rejection is null
            ? new PasswordResetTicket(null, token, State.Username)
            : new PasswordResetTicket(rejection, null, null);
    }

    public async Task<SessionRenewal> CompletePasswordReset(string resetToken, string passwordHash)
    {
        var old = State.AuthToken;
        var (rejection, events) = await Handle(new UserCommand.CompletePasswordReset(
            PasswordHashing.TokenHash(resetToken), passwordHash, PasswordHashing.NewToken(), PasswordHashing.NewToken(), time.GetUtcNow()));
        return rejection is null && await RebindTokenAsync(old, events)
            ? Renewal()
            : new SessionRenewal(rejection ?? UserRejections.ResetLinkInvalid);
    }

    /// <summary>
    /// After events that ended every session: points the new token at this user and drops the old pointer. True when
    /// the sessions ended.
    /// </summary>
    private async Task<bool> RebindTokenAsync(string oldToken, IReadOnlyList<RecordedEvent> events)
    {
        if (!events.Any(e => e.Data is UserSessionsEnded))
        {
            return false;
        }

        await GrainFactory.GetGrain<IAuthTokenGrain>(State.AuthToken).Bind(State.Id);
        // Only tidiness: the old pointer could not authenticate anyone anyway (this grain checks the current token).
        await GrainFactory.GetGrain<IAuthTokenGrain>(oldToken).Unbind();
        return true;
    }

    public async Task<bool> UpgradePassword(string currentHash, string newHash)
    {
        var (rejection, events) = await Handle(new UserCommand.UpgradePassword(currentHash, newHash, time.GetUtcNow()));
        return rejection is null && events.Count > 0;
    }

    public async Task MarkRepliesRead() => await Handle(new UserCommand.MarkRepliesRead(time.GetUtcNow()));

    private static bool SameToken(string given, string current) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(current));
}
