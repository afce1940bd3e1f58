using Actors.Accounts;
using BenchmarkDotNet.Attributes;

namespace Actors.Benchmarks;

/// <summary>
/// The account decider and the transfer process decider, one step each, on an account that has already taken part in
/// <see cref="PastTransfers"/> transfers (the idempotency sets grow with history).
/// </summary>
[MemoryDiagnoser]
public class AccountBenchmarks
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Source = new("00000000-0000-0000-0000-0000000000a1");
    private static readonly Guid Target = new("00000000-0000-0000-0000-0000000000b2");
    private const long Owner = 7;

    private AccountState _source = AccountState.Initial;
    private AccountState _target = AccountState.Initial;
    private AccountState _debited = AccountState.Initial;
    private MoneyDeposited _deposited = null!;
    private TransferDebited _transferDebited = null!;

    private readonly AccountCommand.Deposit _deposit = new(500, Owner, Now);
    private readonly AccountCommand.Withdraw _withdraw = new(500, Owner, Now);
    private readonly AccountCommand.Withdraw _overdraw = new(long.MaxValue / 4, Owner, Now);
    private readonly AccountCommand.Send _send = new("t-new", Target, 500, Owner, "EUR", Now);
    private readonly AccountCommand.Receive _receive = new("t-new", Source, 500, "EUR", Now);
    private readonly AccountCommand.Settle _settle = new("t-new", Now);
    private readonly AccountCommand.Refund _refund = new("t-new", "target-closed", Now);
    private readonly TransferCommand.Make _make = new("t-new", Source, Target, 500, Owner, Now);

    [Params(0, 1_000)]
    public int PastTransfers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _source = Fold(AccountDecider.Initial, new AccountOpened(Source, Owner, "EUR", Now), new MoneyDeposited(Source, 1_000_000, Owner, Now));
        _target = Fold(AccountDecider.Initial, new AccountOpened(Target, 8, "EUR", Now));
        for (var i = 0; i < PastTransfers; i++)
        {
            var id = $"t-{i}";
            _source = Fold(_source, new TransferDebited(Source, id, Target, 1, Owner, Now), new TransferSettled(Source, id, Now));
            _target = Fold(_target, new TransferCredited(Target, id, Source, 1, Now));
        }

        _transferDebited = new TransferDebited(Source, "t-new", Target, 500, Owner, Now);
        _debited = AccountDecider.Evolve(_source, _transferDebited);
        _deposited = new MoneyDeposited(Source, 500, Owner, Now);
    }

    private static AccountState Fold(AccountState state, params IAccountEvent[] events)
    {
        foreach (var e in events)
        {
            state = AccountDecider.Evolve(state, e);
        }

        return state;
    }

    [Benchmark(Description = "Decide: deposit")]
    public Decision<IAccountEvent> Deposit() => AccountDecider.Decide(_deposit, _source);

    [Benchmark(Description = "Decide: withdraw")]
    public Decision<IAccountEvent> Withdraw() => AccountDecider.Decide(_withdraw, _source);

    [Benchmark(Description = "Decide: withdraw beyond the balance (rejected)")]
    public Decision<IAccountEvent> Overdraw() => AccountDecider.Decide(_overdraw, _source);

    [Benchmark(Description = "Evolve: deposited")]
    public AccountState EvolveDeposit() => AccountDecider.Evolve(_source, _deposited);

    [Benchmark(Description = "Transfer leg: send (decide)")]
    public Decision<IAccountEvent> Send() => AccountDecider.Decide(_send, _source);

    [Benchmark(Description = "Evolve: an older debit")]
    public AccountState EvolveDebit() => AccountDecider.Evolve(_source, _transferDebited);

    [Benchmark(Description = "Transfer leg: send of a debited transfer (settles it)")]
    public Decision<IAccountEvent> SendDebited() => AccountDecider.Decide(_send, _debited);

    [Benchmark(Description = "Transfer leg: receive (decide)")]
    public Decision<IAccountEvent> Receive() => AccountDecider.Decide(_receive, _target);

    [Benchmark(Description = "Transfer leg: settle an older debit (decide)")]
    public Decision<IAccountEvent> SettleSource() => AccountDecider.Decide(_settle, _debited);

    [Benchmark(Description = "Transfer leg: refund an older debit (decide)")]
    public Decision<IAccountEvent> RefundSource() => AccountDecider.Decide(_refund, _debited);

    [Benchmark(Description = "Transfer: make (decide)")]
    public Decision<ITransferEvent> MakeTransfer() => TransferDecider.Decide(_make, TransferDecider.Initial);
}
