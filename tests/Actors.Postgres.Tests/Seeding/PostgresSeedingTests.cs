using Actors.News;
using Actors.Tests.Infrastructure;
using Actors.Users;

namespace Actors.Tests.Seeding;

/// <summary>The silo's <c>seed</c> command against a throwaway PostgreSQL database, then a silo serving the seeded site.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSeedingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_seed_command_builds_a_site_that_a_silo_then_serves_and_extends_with_the_next_ids()
    {
        await using var cluster = new ProcessCluster(await postgres.Server.CreateDatabaseAsync("seeding"));
        var (exit, output) = await cluster.RunSiloCommandAsync(TimeSpan.FromMinutes(3), "seed", "--news", "300", "--users", "120", "--days", "30", "--seed", "5");
        Assert.True(exit == 0, output);
        Assert.Contains("seeded: 120 users, 300 news", output);

        await cluster.StartSiloAsync();
        var client = await cluster.ConnectClientAsync();
        var top = await client.GetGrain<INewsRankingGrain>(0).GetTop(0, 30);
        var latest = await client.GetGrain<INewsRankingGrain>(0).GetLatest(0, 30);
        Assert.InRange(top.Total, 270, 300);
        Assert.Equal(top.Total, latest.Total);
        Assert.Equal(latest.Items.Select(n => n.Id).OrderDescending(), latest.Items.Select(n => n.Id));
        Assert.Equal(30, top.Items.Count);

        var posted = await client.GetGrain<IUserNewsGrain>(2).GetPosted(0, 100);
        Assert.True(posted.Total > 0);
        var credentials = await client.GetGrain<IUserGrain>(2).GetCredentials();
        Assert.True(PasswordHashing.Verify("password1", credentials!.PasswordHash));
        var submitted = await client.GetGrain<INewsAuthorGrain>(2).Submit("After the seed", $"https://example.com/{Guid.NewGuid():N}", "");
        Assert.Null(submitted.Rejection);
        Assert.Equal(301, submitted.Id);
        var registration = await client.GetGrain<IUsernameGrain>("afterseed").Register(new RegisterUser(
            "afterseed", PasswordHashing.Hash("password1", 1), PasswordHashing.NewToken(), PasswordHashing.NewToken(), null));
        Assert.Equal(121, registration.UserId);

        var again = await cluster.RunSiloCommandAsync(TimeSpan.FromMinutes(2), "seed", "--news", "10");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already holds users or news", again.Output);
    }

    [Theory]
    [InlineData("--news", "abc")]
    [InlineData("--bogus", "1")]
    [InlineData("--news")]
    [InlineData("--users", "5")]
    public async Task Bad_arguments_get_a_message_and_exit_code_2(params string[] arguments)
    {
        await using var cluster = new ProcessCluster(await postgres.Server.CreateDatabaseAsync("seedargs"));
        var (exit, output) = await cluster.RunSiloCommandAsync(TimeSpan.FromMinutes(1), ["seed", .. arguments]);
        Assert.Equal(2, exit);
        Assert.Contains("usage: Actors.Silo seed", output);
    }
}
