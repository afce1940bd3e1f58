using System.Collections.Immutable;

namespace Actors.Users;

/// <summary>The fold of a user's events. <see cref="Id"/> 0 means the user does not exist (yet).</summary>
public sealed record UserState
{
    public long Id { get; init; }
    public string Username { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public string PasswordHash { get; init; } = "";
    public string AuthToken { get; init; } = "";

    /// <summary>When <see cref="AuthToken"/> was issued: sessions expire a set time after it (see <c>UserDecider.SessionExpiresAt</c>).</summary>
    public DateTimeOffset AuthTokenIssuedAt { get; init; }

    public string ApiSecret { get; init; } = "";
    public int Karma { get; init; }
    public DateTimeOffset KarmaIncrementedAt { get; init; }
    public string About { get; init; } = "";
    public string Email { get; init; } = "";
    public bool IsAdmin { get; init; }
    public int Replies { get; init; }
    public DateTimeOffset? PasswordResetAt { get; init; }

    /// <summary>SHA-256 (hex) of the outstanding password-reset token, or null when none is outstanding.</summary>
    public string? ResetTokenHash { get; init; }

    public DateTimeOffset ResetTokenExpiresAt { get; init; }

    /// <summary>Highest version credited per source stream (karma credits are idempotent by (stream, version)).</summary>
    public ImmutableDictionary<string, long> KarmaSources { get; init; } = ImmutableDictionary<string, long>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>
    /// Highest version noted per source stream for replies. Kept apart from <see cref="KarmaSources"/>: the two are fed
    /// by different consumers of the same streams, and one must not make the other skip an older version.
    /// </summary>
    public ImmutableDictionary<string, long> ReplySources { get; init; } = ImmutableDictionary<string, long>.Empty.WithComparers(StringComparer.Ordinal);

    public bool Exists => Id != 0;
}
