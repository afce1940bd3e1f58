using Actors.Users;

namespace Actors.Tests.Users;

/// <summary>A new user straight through the users slice (a cheap password hash), for tests that need authors and voters.</summary>
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
