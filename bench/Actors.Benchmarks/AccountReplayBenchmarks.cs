using Actors.Accounts;
using BenchmarkDotNet.Attributes;

namespace Actors.Benchmarks;

/// <summary>
/// What an account pays to fold a long history of finished transfers (half sent, half credited): the replay on
/// activation without a snapshot, and the state it ends with, which keeps the ids of the last
/// <see cref="KeptTransfers.DefaultKeep"/> only.
/// </summary>
[MemoryDiagnoser]
public class AccountReplayBenchmarks
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = new("00000000-0000-0000-0000-0000000000a1");
    private static readonly Guid Other = new("00000000-0000-0000-0000-0000000000b2");
    private IAccountEvent[] _history = [];

    [Params(10_000, 100_000)]
    public int Transfers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var history = new List<IAccountEvent>(Transfers + 2) { new AccountOpened(Id, 7, "EUR", Now), new MoneyDeposited(Id, 1_000_000_000, 7, Now) };
        for (var i = 0; i < Transfers; i++)
        {
            var id = $"t-{i:D12}";
            history.Add(i % 2 == 0 ? new TransferSent(Id, id, Other, 1, 7, Now) : new TransferCredited(Id, id, Other, 1, Now));
        }

        _history = [.. history];
    }

    [Benchmark(Description = "Replay: fold a history of finished transfers")]
    public AccountState Replay()
    {
        var state = AccountDecider.Initial;
        foreach (var e in _history)
        {
            state = AccountDecider.Evolve(state, e);
        }

        return state;
    }
}
