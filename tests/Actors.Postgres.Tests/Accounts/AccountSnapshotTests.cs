using System.Text.Json;
using Actors.Accounts;
using Actors.EventSourcing;
using Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Accounts;

/// <summary>Snapshots of bank accounts in PostgreSQL. Own silo: the tests deactivate every idle grain.</summary>
[Collection(SnapshotCollection.Name)]
public class AccountSnapshotTests(PostgresClusterFixture cluster)
{
    private const long Owner = 9_200_000_001;
    private const string Shape = "accounts.state/2";

    private ISnapshotStore Snapshots => cluster.SiloServices.GetRequiredService<ISnapshotStore>();

    /// <summary>An account with 250 events: opened, then 249 deposits of 1, 2, 3... minor units.</summary>
    private async Task<(IAccountGrain Account, string Stream)> LongAccountAsync()
    {
        var id = Guid.NewGuid();
        var account = cluster.Client.GetGrain<IAccountGrain>(id);
        Assert.Null((await account.Open(Owner, "EUR")).Rejection);
        for (var amount = 1; amount <= 249; amount++)
        {
            Assert.Null((await account.Deposit(Owner, amount)).Rejection);
        }

        var stream = AccountIds.StreamOf(id);
        await Eventually(async () => (await Snapshots.ReadAsync(stream))?.Version == 200, "snapshot at version 200 stored", TimeSpan.FromSeconds(30));
        return (account, stream);
    }

    private static long SumTo(long n) => n * (n + 1) / 2;

    private Task DeactivateIdleGrainsAsync() => cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    private async Task DoctorSnapshotAsync(string stream, long version, string shape, Func<AccountState, AccountState> change)
    {
        var stored = (await Snapshots.ReadAsync(stream))!;
        var state = JsonSerializer.Deserialize<AccountState>(stored.Payload)!;
        await ReplaceSnapshotAsync(stream, new StoredSnapshot(version, shape, JsonSerializer.SerializeToUtf8Bytes(change(state))));
    }

    private async Task ReplaceSnapshotAsync(string stream, StoredSnapshot snapshot)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var command = dataSource.CreateCommand("DELETE FROM actors_snapshots WHERE stream_id = $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = stream });
        await command.ExecuteNonQueryAsync();
        await Snapshots.WriteAsync(stream, snapshot);
    }

    [Fact]
    public async Task A_reactivated_account_is_exact_and_its_history_reads_stay_exact()
    {
        var (account, _) = await LongAccountAsync();
        var history = await account.GetHistory();

        await DeactivateIdleGrainsAsync();

        var view = (await account.GetView())!;
        Assert.Equal((SumTo(249), 250L), (view.Balance, view.Version));
        Assert.Equal(SumTo(149), (await account.GetViewAsOfVersion(150))!.Balance);
        Assert.Equal(SumTo(219), (await account.GetViewAsOfInstant(history[219].RecordedAt))!.Balance);
        Assert.Null((await account.Deposit(Owner, 1_000)).Rejection);
        Assert.Equal(SumTo(249) + 1_000, (await account.GetView())!.Balance);
    }

    [Fact]
    public async Task Activation_starts_from_the_latest_snapshot_and_folds_only_the_events_after_it()
    {
        var (account, stream) = await LongAccountAsync();
        // A snapshot that says something the events do not: seeing it proves activation read it.
        await DoctorSnapshotAsync(stream, 200, Shape, s => s with { Balance = 7 });

        await DeactivateIdleGrainsAsync();

        Assert.Equal(7 + SumTo(249) - SumTo(199), (await account.GetView())!.Balance);
    }

    [Fact]
    public async Task A_snapshot_of_an_older_shape_is_ignored()
    {
        var (account, stream) = await LongAccountAsync();
        await DoctorSnapshotAsync(stream, 200, "accounts.state/0", s => s with { Balance = 7 });

        await DeactivateIdleGrainsAsync();

        Assert.Equal(SumTo(249), (await account.GetView())!.Balance);
    }

    [Fact]
    public async Task A_snapshot_the_log_does_not_back_is_ignored()
    {
        var (account, stream) = await LongAccountAsync();
        await DoctorSnapshotAsync(stream, 10_000, Shape, s => s with { Balance = 7 });

        await DeactivateIdleGrainsAsync();

        var view = (await account.GetView())!;
        Assert.Equal((SumTo(249), 250L), (view.Balance, view.Version));
    }

    [Fact]
    public async Task A_corrupt_snapshot_is_ignored()
    {
        var (account, stream) = await LongAccountAsync();
        await ReplaceSnapshotAsync(stream, new StoredSnapshot(200, Shape, [0x7b, 0x22, 0xff, 0x00]));

        await DeactivateIdleGrainsAsync();

        Assert.Equal(SumTo(249), (await account.GetView())!.Balance);
    }
}

[CollectionDefinition(Name)]
public sealed class SnapshotCollection : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = "postgres-snapshots";
}
