using Actors.Accounts;

namespace Actors.Tests.Accounts;

/// <summary>Helpers shared by the accounts grain tests: fresh ids, opening funded accounts, awaiting eventual state.</summary>
internal static class AccountTestKit
{
    /// <summary>An owner id no other test (and no registered user) uses.</summary>
    public static long FreshOwner() => Random.Shared.NextInt64(1_000_000_000_000, 2_000_000_000_000);

    public static string FreshTransferId() => $"t-{Guid.NewGuid():N}";

    public static async Task<IAccountGrain> Open(this IGrainFactory grains, long owner, long deposit = 0, string currency = "EUR")
    {
        var account = grains.GetGrain<IAccountGrain>(Guid.NewGuid());
        var opened = await account.Open(owner, currency);
        Assert.Null(opened.Rejection);
        if (deposit > 0)
        {
            Assert.Null((await account.Deposit(owner, deposit)).Rejection);
        }

        return account;
    }

    public static async Task<long> Balance(this IAccountGrain account) => (await account.GetView())!.Balance;
}
