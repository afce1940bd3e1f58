using Actors.EventSourcing;

namespace Actors.Seeding;

/// <summary>
/// Writes facts (an event at a stream version) to the event log in bulk: the facts of many streams go in one
/// <see cref="IEventLog.AppendAtomicallyAsync"/> call, each stream at the version before its first fact of the batch, so a
/// batch is one commit in PostgreSQL (one <c>actors_append</c> call) and one lock in memory. One batch is in flight
/// while the next one fills: commits stay in order (a stream's later batch never overtakes its earlier one) and the
/// caller's work overlaps the database round trip.
/// </summary>
public sealed class LogBatchWriter(IEventLog log, EventMetadata metadata, int streamsPerBatch = 2000)
{
    private Dictionary<string, (long Expected, List<object> Events)> _batch = new(StringComparer.Ordinal);
    private Task _inFlight = Task.CompletedTask;
    private long _written;

    /// <summary>Called with every event once the log recorded it (on the writing task, one batch at a time).</summary>
    public Action<RecordedEvent>? Recorded { get; init; }

    /// <summary>Events the log has recorded so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Adds event <paramref name="e"/> as version <paramref name="version"/> of <paramref name="streamId"/> (versions of a stream come in order, from 1).</summary>
    public void Append(string streamId, long version, object e)
    {
        if (_batch.TryGetValue(streamId, out var pending))
        {
            if (pending.Expected + pending.Events.Count + 1 != version)
            {
                throw new InvalidOperationException($"Stream {streamId}: version {version} does not follow {pending.Expected + pending.Events.Count}.");
            }

            pending.Events.Add(e);
            return;
        }

        _batch.Add(streamId, (version - 1, [e]));
    }

    /// <summary>
    /// Marks the end of one action's facts; the batch goes to the log once it holds enough streams. Batches are cut only
    /// here, so facts that belong together (a vote and the credit it causes) are committed together: a reader of the
    /// log never sees one without the other.
    /// </summary>
    public Task EndActionAsync() => _batch.Count >= streamsPerBatch ? FlushAsync() : Task.CompletedTask;

    /// <summary>Sends what is batched (after the batch in flight is recorded).</summary>
    public async Task FlushAsync()
    {
        await _inFlight;
        if (_batch.Count == 0)
        {
            return;
        }

        var appends = new StreamAppend[_batch.Count];
        var i = 0;
        foreach (var (stream, pending) in _batch)
        {
            appends[i++] = new StreamAppend(stream, pending.Expected, pending.Events, metadata);
        }

        _batch = new Dictionary<string, (long Expected, List<object> Events)>(appends.Length, StringComparer.Ordinal);
        _inFlight = WriteAsync(appends);
    }

    /// <summary>Sends the rest and waits until the log has recorded everything.</summary>
    public async Task CompleteAsync()
    {
        await FlushAsync();
        await _inFlight;
    }

    private async Task WriteAsync(StreamAppend[] appends)
    {
        var recorded = await log.AppendAtomicallyAsync(appends);
        long count = 0;
        foreach (var stream in recorded)
        {
            count += stream.Count;
            if (Recorded is { } callback)
            {
                foreach (var e in stream)
                {
                    callback(e);
                }
            }
        }

        Interlocked.Add(ref _written, count);
    }
}
