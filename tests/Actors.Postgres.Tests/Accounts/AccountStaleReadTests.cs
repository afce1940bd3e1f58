using Actors.Accounts;
using Actors.EventSourcing;
using Actors.Tests.Infrastructure;
using Npgsql;

namespace Actors.Tests.Accounts;

/// <summary>
/// The nemesis run's finding: a read answered by an activation the log has moved past (a zombie on a silo the others
/// declared dead, while another activation wrote) was stale. A read now looks in the log first.
/// </summary>
[Collection(PostgresClusterCollection.Name)]
public class AccountStaleReadTests(PostgresClusterFixture cluster)
{
    private const long Owner = 9_300_000_001;

    [Fact]
    public async Task Given_another_writer_moved_the_account_on_in_the_log_when_this_activation_is_read_then_it_answers_what_the_log_holds()
    {
        var id = Guid.NewGuid();
        var account = cluster.Client.GetGrain<IAccountGrain>(id);
        Assert.Null((await account.Open(Owner, "EUR")).Rejection);
        Assert.Null((await account.Deposit(Owner, 100)).Rejection);
        Assert.Equal(100, (await account.GetView())!.Balance);

        // What the other activation (on another silo) wrote: a deposit at the next version, straight into the log.
        await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var otherWriter = EventLogFactory.Open(dataSource);
        await otherWriter.AppendAsync(AccountIds.StreamOf(id), 2, [new MoneyDeposited(id, 50, Owner, DateTimeOffset.UtcNow)], EventMetadata.None);

        var view = await account.GetView();

        Assert.Equal(150, view!.Balance);
        Assert.Equal(3, view.Version);
    }
}
