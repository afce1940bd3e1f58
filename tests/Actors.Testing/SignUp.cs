using Actors.Users;
using Xunit;

namespace Actors.Testing;

/// <summary>A user signed up straight through the grains: its id, name, bearer token and API (form) secret.</summary>
public sealed record SignedUp(long Id, string Name, string Token, string Secret);

/// <summary>A registered user, straight through the grains (for tests that are not about registration).</summary>
public static class SignUp
{
    public static async Task<long> NewUserAsync(IGrainFactory grains) => (await NewAsync(grains)).Id;

    /// <summary>
    /// A new user named <paramref name="prefix"/> and a random tail, password "password1" hashed with
    /// <paramref name="hashIterations"/> (one by default: hashing is deliberately slow, and these tests are not about it).
    /// </summary>
    public static async Task<SignedUp> NewAsync(IGrainFactory grains, string prefix = "u", int hashIterations = 1)
    {
        var name = $"{prefix}{Guid.NewGuid():N}"[..20];
        var token = PasswordHashing.NewToken();
        var secret = PasswordHashing.NewToken();
        var registration = await grains.GetGrain<IUsernameGrain>(UsernameDecider.KeyOf(name)).Register(new RegisterUser(
            name, PasswordHashing.Hash("password1", hashIterations), token, secret, null));
        Assert.Null(registration.Rejection);
        return new SignedUp(registration.UserId, name, token, secret);
    }

    /// <summary>
    /// The account the accounts side opened for the user's registration, found through the user (the owner's accounts),
    /// as a client finds it: its id cannot be computed from the user id. Waits until it is open.
    /// </summary>
    public static async Task<Guid> FirstAccountAsync(IGrainFactory grains, long userId)
    {
        var owner = grains.GetGrain<Actors.Accounts.IOwnerAccountsGrain>(userId);
        var summary = await Polling.Eventually(
            () => owner.GetSummary(), s => s.Accounts.Count > 0, $"user {userId}'s first account is opened", TimeSpan.FromSeconds(20));
        return summary.Accounts[0].Id;
    }
}
