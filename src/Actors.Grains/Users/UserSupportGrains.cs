using Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
namespace Actors.Users;

[GenerateSerializer, Alias("actors.users.id-allocator-state")]
public sealed class UserIdAllocatorState
{
    [Id(0)] public long Last { get; set; }
}

/// <summary>User ids 1, 2, 3... The state is written before the id is handed out, so an id is never given twice.</summary>
public sealed class UserIdAllocatorGrain([PersistentState("user-ids")] IPersistentState<UserIdAllocatorState> ids)
    : Grain, IUserIdAllocatorGrain
{
    public async Task<long> Next()
    {
        ids.State.Last++;
        await ids.WriteStateAsync();
        return ids.State.Last;
    }

    public async Task AdvanceTo(long last)
    {
        if (last > ids.State.Last)
        {
            ids.State.Last = last;
            await ids.WriteStateAsync();
        }
    }
}

[GenerateSerializer, Alias("actors.users.creation-limit-state")]
public sealed class UserCreationLimitState
{
    [Id(0)] public DateTimeOffset? LastCreatedAt { get; set; }
}

/// <summary>The per-IP creation limit (Lamernews' <c>limit:create_user.&lt;ip&gt;</c> key with a TTL).</summary>
public sealed class UserCreationLimitGrain(
    [PersistentState("user-creation-limit")] IPersistentState<UserCreationLimitState> limit, [FromKeyedServices(DomainClock.Key)] TimeProvider time)
    : Grain, IUserCreationLimitGrain
{
    public async Task<bool> TryReserve(int delaySeconds)
    {
        var now = time.GetUtcNow();
        if (limit.State.LastCreatedAt is { } last && last > now - TimeSpan.FromSeconds(delaySeconds))
        {
            return false;
        }

        limit.State.LastCreatedAt = now;
        await limit.WriteStateAsync();
        return true;
    }
}

[GenerateSerializer, Alias("actors.users.auth-token-state")]
public sealed class AuthTokenState
{
    [Id(0)] public long UserId { get; set; }
}

/// <summary>Token to user id pointer; see <see cref="IAuthTokenGrain"/>.</summary>
public sealed class AuthTokenGrain([PersistentState("auth-token")] IPersistentState<AuthTokenState> token)
    : Grain, IAuthTokenGrain
{
    public Task<long?> GetUserId() => Task.FromResult(token.State.UserId == 0 ? null : (long?)token.State.UserId);

    public async Task Bind(long userId)
    {
        if (token.State.UserId != userId)
        {
            token.State.UserId = userId;
            await token.WriteStateAsync();
        }
    }

    public async Task Unbind()
    {
        if (token.State.UserId != 0)
        {
            token.State.UserId = 0;
            await token.WriteStateAsync();
        }
    }
}
