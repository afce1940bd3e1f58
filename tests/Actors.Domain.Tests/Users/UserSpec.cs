using Actors.Users;

namespace Actors.Tests.Users;

/// <summary>Given (events) / When (command) / Then (events or rejection) for the user decider.</summary>
internal static class UserSpec
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    public const long Id = 7;
    public const string Token = "1111111111111111111111111111111111111111";
    public const string Secret = "2222222222222222222222222222222222222222";

    public static IUserEvent[] Registered(long id = Id) =>
    [
        new UserCreated(id, "alice", T0),
        new UserCredentialsIssued(id, "hash-1", Token, Secret, T0),
        new UserKarmaIncremented(id, 1, T0),
    ];

    public static UserState Given(params IUserEvent[] events) => events.Aggregate(UserDecider.Initial, UserDecider.Evolve);

    public static IReadOnlyList<IUserEvent> Then(this UserState state, UserCommand command)
    {
        var decision = UserDecider.Decide(command, state);
        Assert.Null(decision.Rejection);
        return decision.Events;
    }

    public static Rejection Rejected(this UserState state, UserCommand command)
    {
        var decision = UserDecider.Decide(command, state);
        Assert.Empty(decision.Events);
        return decision.Rejection ?? throw new Xunit.Sdk.XunitException("expected a rejection");
    }

    /// <summary>Applies the command's events and decides it again: a repeat must change nothing more.</summary>
    public static IReadOnlyList<IUserEvent> Repeated(this UserState state, UserCommand command)
    {
        var once = UserDecider.Decide(command, state).Events.Aggregate(state, UserDecider.Evolve);
        return UserDecider.Decide(command, once).Events;
    }
}
