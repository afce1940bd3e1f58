using System.Collections.Concurrent;
using Actors.EventSourcing;
using Actors.Postgres;
using Actors.Tests.Infrastructure;
using Npgsql;

namespace Actors.Tests.EventLog;

[Collection(PostgresCollection.Name)]
public class PostgresEventLogTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Appended_events_are_read_back_in_order_with_their_metadata()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;

        var first = await log.AppendAsync("tests-1", 0, [new Counted(2, "ann"), new Noted("hi")], new EventMetadata("corr-1", "cmd-1"));
        await log.AppendAsync("tests-1", 2, [new Counted(3, "bob")], EventMetadata.None);

        var events = await log.ReadStreamAsync("tests-1");
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Version));
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Position));
        Assert.Equal(new Counted(2, "ann"), events[0].Data);
        Assert.Equal(new Noted("hi"), events[1].Data);
        Assert.Equal("corr-1", events[1].CorrelationId);
        Assert.Equal("cmd-1", events[1].CausationId);
        Assert.Null(events[2].CorrelationId);
        Assert.Equal(first[0].EventId, events[0].EventId);
        Assert.Equal([3L], (await log.ReadStreamAsync("tests-1", afterVersion: 2)).Select(e => e.Version));
    }

    [Fact]
    public async Task The_type_name_column_holds_the_events_alias()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;

        await log.AppendAsync("tests-7", 0, [new Counted(1, "ann")], EventMetadata.None);

        await using var command = dataSource.CreateCommand("SELECT type_name || '/' || category || '/' || partition FROM actors_events");
        Assert.Equal($"tests.counted/tests/{EventStreams.PartitionOf("tests-7")}", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task An_append_at_a_stale_version_is_refused_and_changes_nothing()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;
        await log.AppendAsync("tests-2", 0, [new Counted(1, "ann")], EventMetadata.None);

        var refused = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => log.AppendAsync("tests-2", 0, [new Counted(5, "bob")], EventMetadata.None));

        Assert.Equal(1, refused.ActualVersion);
        Assert.Equal([new Counted(1, "ann")], (await log.ReadStreamAsync("tests-2")).Select(e => e.Data));
    }

    [Fact]
    public async Task Reading_one_partition_of_a_category_gives_its_events_in_position_order_page_by_page()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;
        for (var i = 1; i <= 40; i++)
        {
            await log.AppendAsync($"tparts-{i}", 0, [new Noted("x"), new Noted("y")], EventMetadata.None);
            await log.AppendAsync($"tother-{i}", 0, [new Noted("z")], EventMetadata.None);
        }

        var partition = EventStreams.PartitionOf("tparts-1");
        var expected = (await log.ReadAllAsync(0, 1000, "tparts")).Where(e => EventStreams.PartitionOf(e.StreamId) == partition).Select(e => e.Position).ToList();

        var positions = new List<long>();
        long after = 0;
        while (true)
        {
            var page = await log.ReadCategoryPartitionAsync("tparts", partition, after, 3);
            positions.AddRange(page.Select(e => e.Position));
            if (page.Count < 3)
            {
                break;
            }

            after = page[^1].Position;
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected, positions);
    }

    [Fact]
    public async Task An_atomic_append_writes_every_stream_in_one_commit_at_consecutive_positions()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;
        await log.AppendAsync("tests-a1", 0, [new Counted(1, "ann")], EventMetadata.None);

        var recorded = await log.AppendAtomicallyAsync(
        [
            new StreamAppend("tests-t1", 0, [new Noted("requested"), new Noted("completed")], EventMetadata.None),
            new StreamAppend("tests-a1", 1, [new Counted(-5, "ann")], new EventMetadata("corr", "tests-t1")),
            new StreamAppend("tests-b1", 0, [new Counted(5, "bob")], new EventMetadata("corr", "tests-t1")),
        ]);

        Assert.Equal([[1L, 2L], [2L], [1L]], recorded.Select(r => r.Select(e => e.Version).ToArray()));
        Assert.Equal([2L, 3L, 4L, 5L], recorded.SelectMany(r => r).Select(e => e.Position));
        var all = await log.ReadAllAsync(0, 10);
        Assert.Equal(["tests-a1", "tests-t1", "tests-t1", "tests-a1", "tests-b1"], all.Select(e => e.StreamId));
        Assert.Equal("tests-t1", all[3].CausationId);
    }

    [Fact]
    public async Task An_atomic_append_with_one_stream_moved_on_writes_nothing_and_names_that_stream()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;
        await log.AppendAsync("tests-a2", 0, [new Counted(1, "ann"), new Counted(2, "ann")], EventMetadata.None);

        var refused = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => log.AppendAtomicallyAsync(
        [
            new StreamAppend("tests-t2", 0, [new Noted("requested")], EventMetadata.None),
            new StreamAppend("tests-a2", 1, [new Counted(-5, "ann")], EventMetadata.None),
        ]));

        Assert.Equal(("tests-a2", 1L, 2L), (refused.StreamId, refused.ExpectedVersion, refused.ActualVersion));
        Assert.Empty(await log.ReadStreamAsync("tests-t2"));
        Assert.Equal(2, (await log.ReadAllAsync(0, 10)).Count);
    }

    [Fact]
    public async Task Atomic_appends_committed_in_one_batch_succeed_or_fail_each_on_their_own()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;
        await log.AppendAsync("tests-moved", 0, [new Counted(1, "ann")], EventMetadata.None);

        // Started together, so the log's group commit takes them in one statement whenever it can.
        var writes = Enumerable.Range(0, 20).Select(i => log.AppendAtomicallyAsync(
        [
            new StreamAppend($"tests-x{i}", 0, [new Noted($"x{i}")], EventMetadata.None),
            new StreamAppend(i % 2 == 0 ? $"tests-y{i}" : "tests-moved", 0, [new Noted($"y{i}")], EventMetadata.None),
        ])).ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return true;
            }
            catch (WrongExpectedVersionException)
            {
                return false;
            }
        }));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => i % 2 == 0), outcomes);
        Assert.Equal(1 + 10 * 2, (await log.ReadAllAsync(0, 100)).Count);
        Assert.Empty(await log.ReadStreamAsync("tests-x1"));
        Assert.Single(await log.ReadStreamAsync("tests-x2"));
    }

    [Fact]
    public async Task Of_two_processes_appending_at_the_same_version_exactly_one_wins()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;
        await using var other = EventLogFactory.Open(dataSource);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                await (i % 2 == 0 ? log : other).AppendAsync("tests-3", 0, [new Counted(i, "racer")], EventMetadata.None);
                return true;
            }
            catch (WrongExpectedVersionException)
            {
                return false;
            }
        }));

        Assert.Single(outcomes, won => won);
        Assert.Single(await log.ReadStreamAsync("tests-3"));
    }

    [Fact]
    public async Task The_unique_stream_version_constraint_fences_writers_that_bypass_the_append_function()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;
        await log.AppendAsync("tests-4", 0, [new Counted(1, "ann")], EventMetadata.None);

        await using var command = dataSource.CreateCommand(
            "INSERT INTO actors_events (position, stream_id, version, category, partition, event_id, type_name, payload, recorded_at) " +
            "VALUES (1000, 'tests-4', 1, 'tests', 0, gen_random_uuid(), 'x', '\\x00', now())");
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
        Assert.Equal("actors_events_stream_version", error.ConstraintName);
    }

    [Fact]
    public async Task Recorded_events_cannot_be_changed_or_deleted()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;
        await log.AppendAsync("tests-5", 0, [new Counted(1, "ann")], EventMetadata.None);

        await using var update = dataSource.CreateCommand("UPDATE actors_events SET type_name = 'forged'");
        await using var delete = dataSource.CreateCommand("DELETE FROM actors_events");

        Assert.Equal(PostgresErrorCodes.RestrictViolation, (await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync())).SqlState);
        Assert.Equal(PostgresErrorCodes.RestrictViolation, (await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync())).SqlState);
    }

    [Fact]
    public async Task An_append_behind_an_uncommitted_one_waits_so_positions_follow_commit_order()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;

        // A writer inside the append critical section that has not committed yet (as a slow WAL flush would be).
        await using var slow = await dataSource.OpenConnectionAsync();
        await using var transaction = await slow.BeginTransactionAsync();
        await using (var append = new NpgsqlCommand(
            "SELECT first_position FROM actors_append(ARRAY['tests-slow'], ARRAY[0::bigint], ARRAY[1], ARRAY['tests'], ARRAY[0::smallint], " +
            "ARRAY[gen_random_uuid()], ARRAY['tests.noted'], ARRAY[$1], ARRAY[NULL::text], ARRAY[NULL::text])", slow, transaction))
        {
            append.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = EventLogFactory.Serializer.SerializeToArray<object>(new Noted("slow")) });
            Assert.Equal(1L, await append.ExecuteScalarAsync());
        }

        var later = log.AppendAsync("tests-fast", 0, [new Noted("fast")], EventMetadata.None);
        await Eventually(async () =>
        {
            await using var waiting = dataSource.CreateCommand("SELECT count(*) FROM pg_locks WHERE NOT granted");
            return (long)(await waiting.ExecuteScalarAsync())! > 0;
        }, "the second append waits on the uncommitted first one's lock", TimeSpan.FromSeconds(10));

        // While the first is uncommitted, a reader sees nothing at all, not "position 2 without position 1".
        Assert.Empty(await log.ReadAllAsync(0, 100));
        Assert.False(later.IsCompleted);

        await transaction.CommitAsync();
        var recorded = await later;

        Assert.Equal(2, recorded[0].Position);
        Assert.Equal(["tests-slow", "tests-fast"], (await log.ReadAllAsync(0, 100)).Select(e => e.StreamId));
    }

    [Fact]
    public async Task A_reader_following_positions_under_concurrent_writers_never_skips_an_event()
    {
        var (log, dataSource) = await EventLogFactory.CreateAsync(postgres.Server);
        await using var _ = log;
        await using var __ = dataSource;
        // Three "processes" with group commit, plus one committing every append alone.
        await using var second = EventLogFactory.Open(dataSource);
        await using var third = EventLogFactory.Open(dataSource, new PostgresEventLogOptions { MaxAppendsPerCommit = 1, ConcurrentCommits = 4 });
        PostgresEventLog[] logs = [log, second, third];

        const int writers = 24, appendsPerWriter = 40;
        var acknowledged = new ConcurrentBag<long>();
        using var done = new CancellationTokenSource();
        var seen = new List<long>();
        var follower = Task.Run(async () =>
        {
            long last = 0;
            while (true)
            {
                var finished = done.IsCancellationRequested;
                var page = await log.ReadAllAsync(last, 50);
                foreach (var e in page)
                {
                    Assert.True(e.Position > last);
                    seen.Add(e.Position);
                    last = e.Position;
                }

                if (finished && page.Count == 0)
                {
                    return;
                }
            }
        });

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < appendsPerWriter; i++)
            {
                var events = i % 3 == 0 ? new object[] { new Counted(i, $"w{w}"), new Noted("two") } : [new Counted(i, $"w{w}")];
                var streamVersion = (await logs[w % 3].ReadStreamAsync($"tests-w{w}")).Count;
                foreach (var e in await logs[w % 3].AppendAsync($"tests-w{w}", streamVersion, events, EventMetadata.None))
                {
                    acknowledged.Add(e.Position);
                }
            }
        })));
        await done.CancelAsync();
        await follower;

        // The follower saw every acknowledged event, each once, although it read while commits raced.
        Assert.Equal(acknowledged.Order(), seen);
        Assert.Equal(Enumerable.Range(1, seen.Count).Select(p => (long)p), seen);
        Assert.Equal(seen.Count, await log.ReadHeadAsync());
    }

    [Fact]
    public async Task A_log_created_by_the_earlier_schema_is_migrated_in_place_and_keeps_its_events()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.Server.CreateDatabaseAsync());
        // The earlier layout: a unique event_id index and identifiers in the database's default collation.
        await using (var old = dataSource.CreateCommand("""
            CREATE TABLE actors_events (
                position bigint NOT NULL, stream_id text NOT NULL, version bigint NOT NULL, category text NOT NULL,
                partition smallint NOT NULL, event_id uuid NOT NULL, type_name text NOT NULL, payload bytea NOT NULL,
                correlation_id text NULL, causation_id text NULL, recorded_at timestamptz NOT NULL,
                CONSTRAINT actors_events_pk PRIMARY KEY (position),
                CONSTRAINT actors_events_stream_version UNIQUE (stream_id, version),
                CONSTRAINT actors_events_event_id UNIQUE (event_id),
                CONSTRAINT actors_events_version_positive CHECK (version > 0),
                CONSTRAINT actors_events_partition_range CHECK (partition BETWEEN 0 AND 7))
            """))
        {
            await old.ExecuteNonQueryAsync();
        }

        await PostgresSchema.ApplyAsync(dataSource);
        await using (var log = EventLogFactory.Open(dataSource))
        {
            await log.AppendAsync("tests-m", 0, [new Counted(1, "ann")], EventMetadata.None);
        }

        await PostgresSchema.ApplyAsync(dataSource); // and again: nothing left to do
        await using var log2 = EventLogFactory.Open(dataSource);
        await log2.AppendAsync("tests-m", 1, [new Counted(2, "bob")], EventMetadata.None);
        Assert.Equal([new Counted(1, "ann"), new Counted(2, "bob")], (await log2.ReadStreamAsync("tests-m")).Select(e => e.Data));
        await using var layout = dataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM pg_constraint WHERE conname = 'actors_events_event_id')
                || '/' || (SELECT string_agg(column_name || '=' || coalesce(collation_name, 'default'), ',' ORDER BY column_name)
                           FROM information_schema.columns
                           WHERE table_name = 'actors_events' AND column_name IN ('stream_id', 'category'))
            """);
        Assert.Equal("0/category=C,stream_id=C", await layout.ExecuteScalarAsync());
    }
}
