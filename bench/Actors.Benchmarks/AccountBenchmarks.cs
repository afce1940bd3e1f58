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
    private TransferState _requested = TransferState.Initial;
    private MoneyDeposited _deposited = null!;
    private TransferDebited _transferDebited = null!;

    private readonly DepositMoney _deposit = new(500, Owner, Now);
    private readonly WithdrawMoney _withdraw = new(500, Owner, Now);
    private readonly WithdrawMoney _overdraw = new(long.MaxValue / 4, Owner, Now);
    private readonly DebitTransfer _debit = new("t-new", Target, 500, Owner, Now);
    private readonly CreditTransfer _credit = new("t-new", Source, 500, "EUR", Now);
    private readonly SettleTransfer _settle = new("t-new", Now);
    private readonly RefundTransfer _refund = new("t-new", "target-closed", Now);
    private readonly RequestTransfer _request = new("t-new", Source, Target, 500, Owner, Now);
    private readonly RecordDebit _recordDebit = new("EUR", null, Now);

    [Params(0, 1_000)]
    public int PastTransfers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _source = Fold(Account.Initial, new AccountOpened(Source, Owner, "EUR", Now), new MoneyDeposited(Source, 1_000_000, Owner, Now));
        _target = Fold(Account.Initial, new AccountOpened(Target, 8, "EUR", Now));
        for (var i = 0; i < PastTransfers; i++)
        {
            var id = $"t-{i}";
            _source = Fold(_source, new TransferDebited(Source, id, Target, 1, Owner, Now), new TransferSettled(Source, id, Now));
            _target = Fold(_target, new TransferCredited(Target, id, Source, 1, Now));
        }

        _transferDebited = new TransferDebited(Source, "t-new", Target, 500, Owner, Now);
        _debited = Account.Evolve(_source, _transferDebited);
        _deposited = new MoneyDeposited(Source, 500, Owner, Now);
        _requested = Transfer.Evolve(Transfer.Initial, new TransferRequested("t-new", Source, Target, 500, Owner, Now));
    }

    private static AccountState Fold(AccountState state, params IAccountEvent[] events)
    {
        foreach (var e in events)
        {
            state = Account.Evolve(state, e);
        }

        return state;
    }

    [Benchmark(Description = "Decide: deposit")]
    public Decision<IAccountEvent> Deposit() => Account.Decide(_deposit, _source);

    [Benchmark(Description = "Decide: withdraw")]
    public Decision<IAccountEvent> Withdraw() => Account.Decide(_withdraw, _source);

    [Benchmark(Description = "Decide: withdraw beyond the balance (rejected)")]
    public Decision<IAccountEvent> Overdraw() => Account.Decide(_overdraw, _source);

    [Benchmark(Description = "Evolve: deposited")]
    public AccountState EvolveDeposit() => Account.Evolve(_source, _deposited);

    [Benchmark(Description = "Transfer step: debit source (decide)")]
    public Decision<IAccountEvent> DebitSource() => Account.Decide(_debit, _source);

    [Benchmark(Description = "Transfer step: debit source (evolve)")]
    public AccountState EvolveDebit() => Account.Evolve(_source, _transferDebited);

    [Benchmark(Description = "Transfer step: debit repeated (already done)")]
    public Decision<IAccountEvent> DebitRepeated() => Account.Decide(_debit, _debited);

    [Benchmark(Description = "Transfer step: credit target (decide)")]
    public Decision<IAccountEvent> CreditTarget() => Account.Decide(_credit, _target);

    [Benchmark(Description = "Transfer step: settle source (decide)")]
    public Decision<IAccountEvent> SettleSource() => Account.Decide(_settle, _debited);

    [Benchmark(Description = "Transfer step: refund source (decide)")]
    public Decision<IAccountEvent> RefundSource() => Account.Decide(_refund, _debited);

    [Benchmark(Description = "Transfer process: request (decide)")]
    public Decision<ITransferEvent> RequestTransfer() => Transfer.Decide(_request, Transfer.Initial);

    [Benchmark(Description = "Transfer process: record debit + next action")]
    public TransferAction RecordDebitAndNext()
    {
        var state = _requested;
        foreach (var e in Transfer.Decide(_recordDebit, state).Events)
        {
            state = Transfer.Evolve(state, e);
        }

        return Transfer.NextAction(state);
    }
}
