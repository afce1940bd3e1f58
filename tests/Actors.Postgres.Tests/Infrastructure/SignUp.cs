using Actors.Diagnostics;
using Actors.Users;

namespace Actors.Tests.Infrastructure;

/// <summary>A new user straight through the users slice (a cheap password hash), for tests that need authors and voters.</summary>
public static class SignUp
{
    public static async Task<long> NewUserAsync(IClusterClient client)
    {
        var name = $"u{Guid.NewGuid():N}"[..20];
        var registration = await client.GetGrain<IUsernameGrain>(UsernameDecider.KeyOf(name)).Register(new RegisterUser(
            name, PasswordHashing.Hash("password1", 1), PasswordHashing.NewToken(), PasswordHashing.NewToken(), null));
        Assert.Null(registration.Rejection);
        return registration.UserId;
    }
}
