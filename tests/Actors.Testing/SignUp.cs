using Actors.Users;
using Xunit;

namespace Actors.Testing;

/// <summary>A registered user, straight through the grains (for tests that are not about registration).</summary>
public static class SignUp
{
    public static async Task<long> NewUserAsync(IGrainFactory grains)
    {
        var name = $"u{Guid.NewGuid():N}"[..20];
        var registration = await grains.GetGrain<IUsernameGrain>(UsernameDecider.KeyOf(name)).Register(new RegisterUser(
            name, PasswordHashing.Hash("password1", 1), PasswordHashing.NewToken(), PasswordHashing.NewToken(), null));
        Assert.Null(registration.Rejection);
        return registration.UserId;
    }
}
