using System.Text.Json;
using System.Text.Json.Serialization;

namespace Actors.Nemesis;

/// <summary>How an operation ended: ok, fail (a definite refusal: nothing happened), info (unknown: it may or may not have).</summary>
public enum Outcome
{
    Ok,
    Fail,
    Info,
}

/// <summary>
/// One client operation of the history: who (process), what (kind and arguments), when (invoke and complete, ms since
/// the run started), and how it ended. <see cref="Value"/> is what a read returned or a write answered (a balance, a
/// transfer status, a comment id); <see cref="Error"/> is the rejection code or the reason an outcome is unknown.
/// </summary>
public sealed record Op(
    long Index,
    string Process,
    string Kind,
    double Invoke,
    double Complete,
    Outcome Outcome,
    Guid? Account = null,
    Guid? To = null,
    long Amount = 0,
    string? Key = null,
    long? Value = null,
    string? Status = null,
    string? Error = null,
    long? Position = null,
    long? Version = null,
    int Attempt = 0,
    IReadOnlyList<SummaryLine>? Lines = null);

/// <summary>One account's line in an owner summary read: its balance at its version.</summary>
public sealed record SummaryLine(Guid Account, long Balance, long Version);

/// <summary>A fault as the nemesis injected it: kind, target, start and end (ms since the run started).</summary>
public sealed record FaultRecord(int Cycle, string Kind, string Target, double Start, double End, string? Note);

/// <summary>The history of one run: every operation in completion order, written as JSON lines as it goes.</summary>
public sealed class History : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly List<Op> _ops = [];
    private readonly StreamWriter? _file;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private long _next;

    public History(string? path)
    {
        _file = path is null ? null : new StreamWriter(path) { AutoFlush = false };
    }

    /// <summary>A history from operations already recorded (the checkers' tests, a history read back).</summary>
    public History(IEnumerable<Op> ops)
        : this((string?)null)
    {
        _ops.AddRange(ops);
        _next = _ops.Count == 0 ? 0 : _ops.Max(o => o.Index) + 1;
    }

    public double Now => _clock.Elapsed.TotalMilliseconds;

    public long NextIndex() => Interlocked.Increment(ref _next);

    public IReadOnlyList<Op> Ops
    {
        get
        {
            lock (_ops)
            {
                return [.. _ops];
            }
        }
    }

    public void Add(Op op)
    {
        lock (_ops)
        {
            _ops.Add(op);
            _file?.WriteLine(JsonSerializer.Serialize(op, Json));
        }
    }

    public void Flush()
    {
        lock (_ops)
        {
            _file?.Flush();
        }
    }

    public void Dispose()
    {
        lock (_ops)
        {
            _file?.Dispose();
        }
    }
}
