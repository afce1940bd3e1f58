using Actors.EventSourcing;
using Npgsql;
using NpgsqlTypes;

namespace Actors.Postgres;

/// <summary>
/// One group commit's statement: a batch of pending writes as the arrays <c>actors_append</c> takes (one call for the
/// whole batch), and its answer row by row back to each write, accepted or refused on its own expected version.
/// </summary>
internal static class AppendCommit
{
    /// <summary>Commits <paramref name="batch"/> (<paramref name="appendCount"/> appends in all) and completes each write.</summary>
    public static async Task CommitAsync(WriterConnection connection, IReadOnlyList<PendingWrite> batch, int appendCount, CancellationToken cancellationToken)
    {
        var eventCount = 0;
        foreach (var write in batch)
        {
            foreach (var append in write.Appends)
            {
                eventCount += append.Events.Count;
            }
        }

        var streams = new string[appendCount];
        var expected = new long[appendCount];
        var counts = new int[appendCount];
        var categories = new string[appendCount];
        var partitions = new short[appendCount];
        var groups = new int[appendCount];
        var eventIds = new Guid[eventCount];
        var types = new string[eventCount];
        var payloads = new byte[eventCount][];
        var correlations = new string?[eventCount];
        var causations = new string?[eventCount];
        var i = 0;
        var eventIndex = 0;
        for (var w = 0; w < batch.Count; w++)
        {
            foreach (var append in batch[w].Appends)
            {
                streams[i] = append.StreamId;
                expected[i] = append.ExpectedVersion;
                counts[i] = append.Events.Count;
                categories[i] = EventStreams.CategoryOf(append.StreamId);
                partitions[i] = (short)EventStreams.PartitionOf(append.StreamId);
                groups[i] = w + 1;
                for (var k = 0; k < append.Events.Count; k++, eventIndex++)
                {
                    eventIds[eventIndex] = append.EventIds[k];
                    types[eventIndex] = EventTypes.NameOf(append.Events[k].GetType());
                    payloads[eventIndex] = append.Payloads[k];
                    correlations[eventIndex] = append.Metadata.CorrelationId;
                    causations[eventIndex] = append.Metadata.CausationId;
                }

                i++;
            }
        }

        await using var command = await connection.CreateCommandAsync(
            "SELECT append_index, current_version, first_position, recorded_at FROM actors_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = streams, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = expected });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = counts });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = categories, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = partitions });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = eventIds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = correlations, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = causations, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = groups });

        // Read every row before completing anything: the statement (and its commit) has succeeded only once the
        // reader is fully consumed without error.
        var results = new (long Version, long? FirstPosition, DateTimeOffset RecordedAt)[appendCount];
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var index = reader.GetInt32(0) - 1;
                results[index] = (reader.GetInt64(1),
                    reader.IsDBNull(2) ? null : reader.GetInt64(2),
                    reader.IsDBNull(3) ? default : reader.GetFieldValue<DateTimeOffset>(3));
            }
        }
        catch (Exception e) when (e is not PostgresException)
        {
            // The connection may be broken (or mid-protocol after a cancellation): the next commit opens a new one.
            await connection.DropAsync().ConfigureAwait(false);
            throw;
        }

        i = 0;
        foreach (var write in batch)
        {
            var recorded = new IReadOnlyList<RecordedEvent>[write.Appends.Length];
            WrongExpectedVersionException? conflict = null;
            for (var k = 0; k < write.Appends.Length; k++)
            {
                var append = write.Appends[k];
                var (version, firstPosition, recordedAt) = results[i++];
                if (firstPosition is not { } first)
                {
                    // In an atomic write, a stream found at its expected version was refused for another's sake: the
                    // exception names a stream that moved.
                    if (conflict is null || (version != append.ExpectedVersion && conflict.ActualVersion == conflict.ExpectedVersion))
                    {
                        conflict = new WrongExpectedVersionException(append.StreamId, append.ExpectedVersion, version);
                    }

                    continue;
                }

                var events = new RecordedEvent[append.Events.Count];
                for (var e = 0; e < events.Length; e++)
                {
                    events[e] = new RecordedEvent(append.StreamId, append.ExpectedVersion + e + 1, first + e, append.EventIds[e], recordedAt,
                        append.Metadata.CorrelationId, append.Metadata.CausationId, append.Events[e]);
                }

                recorded[k] = events;
            }

            if (conflict is null)
            {
                write.Succeed(recorded);
            }
            else
            {
                write.Fail(conflict);
            }
        }
    }
}
