using Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Actors.EventSourcing;
using Actors.News;
using Microsoft.Extensions.Options;

namespace Actors.Users;

/// <summary>
/// One lower-cased user name (stream <c>usernames-{name}</c>). Orleans runs one call at a time per activation, so
/// concurrent registrations of "Bob" and "bob" are serialised here and the second finds the name claimed.
/// </summary>
public sealed class UsernameGrain([FromKeyedServices(DomainClock.Key)] TimeProvider time, IOptions<NewsOptions> news)
    : EventSourcedGrain<UsernameState, IUsernameEvent>, IUsernameGrain
{
    // Whether the claimed id is known to belong to a created user. A claim without a user is left behind only when
    // creating the user failed after the claim was appended; such a name is free to finish registering.
    private bool _confirmed;

    protected override string StreamId => EventStreams.StreamOf("usernames", this.GetPrimaryKeyString());

    protected override UsernameState Initial => UsernameDecider.Initial;

    protected override UsernameState Evolve(UsernameState state, IUsernameEvent @event) => UsernameDecider.Evolve(state, @event);

    public async Task<long?> GetUserId()
    {
        if (await IsTaken())
        {
            return State.UserId;
        }

        // A name nobody has: anyone can ask for any number of them, so the activation must not stay (15 minutes each).
        DeactivateOnIdle();
        return null;
    }

    private async Task<bool> IsTaken()
    {
        if (!State.IsClaimed)
        {
            return false;
        }

        _confirmed = _confirmed || await GrainFactory.GetGrain<IUserGrain>(State.UserId).GetProfile() is not null;
        return _confirmed;
    }

    public async Task<Registration> Register(RegisterUser command)
    {
        if (UsernameDecider.KeyOf(command.Username) != this.GetPrimaryKeyString())
        {
            throw new ArgumentException("The name does not belong to this registry key.", nameof(command));
        }

        // The reference's order: a taken name is refused before the per-IP limit, so it does not use up the slot.
        if (await IsTaken())
        {
            return new Registration(0, UserRejections.NameTaken);
        }

        var delay = news.Value.UserCreationDelaySeconds;
        if (delay > 0 && command.ClientIp is { Length: > 0 } ip
            && !await GrainFactory.GetGrain<IUserCreationLimitGrain>(ip).TryReserve(delay))
        {
            return new Registration(0, UserRejections.TooManyAccounts);
        }

        var userId = State.IsClaimed ? State.UserId : await GrainFactory.GetGrain<IUserIdAllocatorGrain>(0).Next();
        var (rejection, _) = await DecideAsync(state => UsernameDecider.Decide(new ClaimUsername(command.Username, userId, time.GetUtcNow()), state));
        if (rejection is not null)
        {
            return new Registration(0, rejection);
        }

        rejection = await GrainFactory.GetGrain<IUserGrain>(userId)
            .Create(new NewUser(command.Username, command.PasswordHash, command.AuthToken, command.ApiSecret));
        _confirmed = rejection is null;
        return new Registration(rejection is null ? userId : 0, rejection);
    }
}
