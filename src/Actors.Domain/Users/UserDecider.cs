namespace Actors.Users;

/// <summary>The user aggregate: pure decide / evolve over <see cref="UserState"/>.</summary>
public static class UserDecider
{
    public static UserState Initial { get; } = new();

    public static Decision<IUserEvent> Decide(UserCommand command, UserState state)
    {
        if (command is UserCommand.CreateUser create)
        {
            return DecideCreate(create, state);
        }

        if (!state.Exists)
        {
            return UserRejections.Unknown;
        }

        return command switch
        {
            UserCommand.RotateAuthToken c => c.CurrentToken != state.AuthToken || c.NewToken == state.AuthToken
                ? Decision<IUserEvent>.AlreadyDone
                // The API secret is rotated too (the reference keeps it): a secret read by a page of the old session
                // must not outlive it.
                : new UserSessionsEnded(state.Id, c.NewToken, c.NewApiSecret, c.At),
            UserCommand.SignIn c => c.At < SessionExpiresAt(state, c.SessionLifetimeSeconds)
                ? Decision<IUserEvent>.AlreadyDone
                : new UserSessionsEnded(state.Id, c.NewToken, c.NewApiSecret, c.At),
            UserCommand.UpdateProfile c => DecideUpdateProfile(c, state),
            UserCommand.TickKarma c => state.KarmaIncrementedAt < c.At - TimeSpan.FromSeconds(c.IntervalSeconds)
                ? new UserKarmaIncremented(state.Id, c.Amount, c.At)
                : Decision<IUserEvent>.AlreadyDone,
            UserCommand.SpendKarma c => state.Karma < c.Minimum
                ? UserRejections.NotEnoughKarma
                : new UserKarmaSpent(state.Id, c.Cost, c.Reason, c.At),
            UserCommand.CreditKarma c => state.KarmaSources.TryGetValue(c.SourceStream, out var seen) && seen >= c.SourceVersion
                ? Decision<IUserEvent>.AlreadyDone
                : new UserKarmaCredited(state.Id, c.Amount, c.SourceStream, c.SourceVersion, c.At),
            UserCommand.NoteReply c => state.ReplySources.TryGetValue(c.SourceStream, out var seen) && seen >= c.SourceVersion
                ? Decision<IUserEvent>.AlreadyDone
                : new UserReplyNoted(state.Id, c.SourceStream, c.SourceVersion, c.At),
            UserCommand.MarkRepliesRead c => state.Replies == 0 ? Decision<IUserEvent>.AlreadyDone : new UserRepliesRead(state.Id, c.At),
            UserCommand.UpgradePassword c => c.CurrentHash != state.PasswordHash || !PasswordHashing.NeedsUpgrade(state.PasswordHash)
                ? Decision<IUserEvent>.AlreadyDone
                : new UserPasswordUpgraded(state.Id, c.NewHash, c.At),
            UserCommand.RequestPasswordReset c => DecidePasswordReset(c, state),
            UserCommand.CompletePasswordReset c => DecideCompleteReset(c, state),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown user command."),
        };
    }

    private static Decision<IUserEvent> DecideCreate(UserCommand.CreateUser c, UserState state)
    {
        if (state.Exists)
        {
            // A retry of the same registration (the registry re-sends after a lost reply) is already done.
            return string.Equals(state.Username, c.Username, StringComparison.Ordinal)
                ? Decision<IUserEvent>.AlreadyDone
                : UserRejections.AlreadyExists;
        }

        var events = new List<IUserEvent>
        {
            new UserCreated(c.UserId, c.Username, c.At, c.Nonce),
            new UserCredentialsIssued(c.UserId, c.PasswordHash, c.AuthToken, c.ApiSecret, c.At),
            // The initial karma is the first "increment": it also starts the hourly clock, as karma_incr_time = ctime does.
            new UserKarmaIncremented(c.UserId, c.InitialKarma, c.At),
        };
        if (c.UserId == 1)
        {
            events.Add(new UserAdminGranted(c.UserId, c.At));
        }

        return Decision<IUserEvent>.Accept(events);
    }

    private static Decision<IUserEvent> DecideUpdateProfile(UserCommand.UpdateProfile c, UserState state)
    {
        var about = Cut(c.About, c.AboutMaxLength);
        var email = Cut(c.Email, c.EmailMaxLength);
        var events = new List<IUserEvent>(2);
        if (about != state.About || email != state.Email)
        {
            events.Add(new UserProfileUpdated(state.Id, about, email, c.At));
        }

        if (c.PasswordHash is { Length: > 0 } hash && hash != state.PasswordHash)
        {
            events.Add(new UserPasswordChanged(state.Id, hash, c.At));
            // A new password ends every session: whoever holds the old token (a stolen cookie, another device) is out.
            events.Add(new UserSessionsEnded(state.Id, c.NewAuthToken, c.NewApiSecret, c.At));
        }

        return Decision<IUserEvent>.Accept(events);
    }

    private static Decision<IUserEvent> DecidePasswordReset(UserCommand.RequestPasswordReset c, UserState state)
    {
        if (state.Email.Length == 0 || !string.Equals(state.Email, c.Email, StringComparison.Ordinal))
        {
            return UserRejections.ResetNoMatch;
        }

        if (state.PasswordResetAt is { } last && last > c.At - TimeSpan.FromSeconds(c.DelaySeconds))
        {
            return UserRejections.ResetTooSoon;
        }

        return Decision<IUserEvent>.Accept(
        [
            new UserPasswordResetRequested(state.Id, c.At),
            new UserPasswordResetIssued(state.Id, c.TokenHash, c.At + TimeSpan.FromSeconds(c.LifetimeSeconds), c.At),
        ]);
    }

    private static Decision<IUserEvent> DecideCompleteReset(UserCommand.CompletePasswordReset c, UserState state)
    {
        // One answer for no link, a wrong one, a used one and an expired one: nothing to learn by trying.
        if (state.ResetTokenHash is not { } expected || !SameHash(c.TokenHash, expected) || c.At >= state.ResetTokenExpiresAt)
        {
            return UserRejections.ResetLinkInvalid;
        }

        return Decision<IUserEvent>.Accept(
        [
            new UserPasswordResetUsed(state.Id, c.At),
            new UserPasswordChanged(state.Id, c.PasswordHash, c.At),
            new UserSessionsEnded(state.Id, c.NewAuthToken, c.NewApiSecret, c.At),
        ]);
    }

    /// <summary>
    /// When the current session token stops authenticating: a fixed time after it was issued (at registration, at the
    /// last logout, password change or reset, or at a sign-in after the previous one expired). Not sliding: using a
    /// token writes nothing.
    /// </summary>
    public static DateTimeOffset SessionExpiresAt(UserState state, int lifetimeSeconds) =>
        state.AuthTokenIssuedAt + TimeSpan.FromSeconds(lifetimeSeconds);

    /// <summary>Constant time, as for every secret (a hash of one included).</summary>
    private static bool SameHash(string given, string expected) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(expected));

    /// <summary>Cuts to at most <paramref name="max"/> UTF-16 units without splitting a surrogate pair.</summary>
    public static string Cut(string value, int max)
    {
        if (value.Length <= max)
        {
            return value;
        }

        var length = max > 0 && char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return value[..length];
    }

    public static UserState Evolve(UserState state, IUserEvent @event) => @event switch
    {
        UserCreated e => state with { Id = e.UserId, Username = e.Username, CreatedAt = e.At },
        UserCredentialsIssued e => state with { PasswordHash = e.PasswordHash, AuthToken = e.AuthToken, ApiSecret = e.ApiSecret, AuthTokenIssuedAt = e.At },
        UserAdminGranted => state with { IsAdmin = true },
        UserAuthTokenRotated e => state with { AuthToken = e.AuthToken, AuthTokenIssuedAt = e.At },
        UserProfileUpdated e => state with { About = e.About, Email = e.Email },
        UserPasswordChanged e => state with { PasswordHash = e.PasswordHash },
        UserPasswordUpgraded e => state with { PasswordHash = e.PasswordHash },
        UserUnreadRepliesImported e => state with { Replies = e.Count },
        UserKarmaIncremented e => state with { Karma = state.Karma + e.Amount, KarmaIncrementedAt = e.At },
        UserKarmaSpent e => state with { Karma = state.Karma - e.Amount },
        UserKarmaCredited e => state with
        {
            Karma = state.Karma + e.Amount,
            KarmaSources = state.KarmaSources.SetItem(e.SourceStream, e.SourceVersion),
        },
        UserReplyNoted e => state with
        {
            Replies = state.Replies + 1,
            ReplySources = state.ReplySources.SetItem(e.SourceStream, e.SourceVersion),
        },
        UserRepliesRead => state with { Replies = 0 },
        UserPasswordResetRequested e => state with { PasswordResetAt = e.At },
        UserPasswordResetIssued e => state with { ResetTokenHash = e.TokenHash, ResetTokenExpiresAt = e.ExpiresAt },
        UserPasswordResetUsed => state with { ResetTokenHash = null },
        UserSessionsEnded e => state with { AuthToken = e.AuthToken, ApiSecret = e.ApiSecret, AuthTokenIssuedAt = e.At },
        _ => state,
    };
}
