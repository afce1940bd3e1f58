#!/usr/bin/env bash
# Durable throughput of the PostgreSQL mode against pgbench (TPC-B-like, scale 10, 8 clients, synchronous_commit on)
# on one throwaway PostgreSQL server, in the same sitting. Usage: bench/postgres-bench.sh [seconds] [concurrency] [phases]
# (phases: comma-separated subset of appends,commands,delay,votes,submissions,transfers,reads; default all).
# Each durable phase starts once stream delivery has caught up with the log. Optional environment:
#   BENCH_WARMUP=s     seconds of transfers before the timed ones (default 20: tiered JIT with dynamic PGO)
#   BENCH_PG_STATS=1   print PostgreSQL's statements by execution time over the last phase (pg_stat_statements)
#   BENCH_PG_OPTS=...  extra server settings, e.g. "-c shared_buffers=1GB"
#   EventLog__ConcurrentCommits, EventLog__MaxAppendsPerCommit: the event log's group-commit settings
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"; concurrency="${2:-64}"; phases="${3:-appends,commands,delay,votes,submissions,transfers,reads}"
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/actors-bench-XXXXXX); port=$((20000 + RANDOM % 20000))
as_pg=(); if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; as_pg=(runuser -u postgres --); fi
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c synchronous_commit=on -c fsync=on -c max_connections=200 ${BENCH_PG_STATS:+-c shared_preload_libraries=pg_stat_statements} ${BENCH_PG_OPTS:-}" start >/dev/null
trap '"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; rm -rf "$dir"' EXIT

"$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE pgbench" -c "CREATE DATABASE actors"
"$bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -i -s 10 -q pgbench 2>/dev/null
echo "== pgbench TPC-B-like, scale 10, 8 clients, ${seconds}s, synchronous_commit=on"
"$bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -c 8 -j 2 -T "$seconds" pgbench 2>/dev/null | grep -E "^(tps|latency average)"
if [[ ",$phases," == *",reads,"* ]]; then
  echo "== pgbench select-only (-S), scale 10, 8 clients, ${seconds}s: the anchor of the balance reads"
  "$bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -S -c 8 -j 2 -T "$seconds" pgbench 2>/dev/null | grep -E "^(tps|latency average)"
fi

echo "== Actors PostgreSQL mode (one co-hosted silo), ${seconds}s per phase, $concurrency concurrent"
dotnet build bench/Actors.Bench -c Release -v q -nologo >/dev/null
ConnectionStrings__Postgres="Host=127.0.0.1;Port=$port;Username=postgres;Database=actors;Maximum Pool Size=100" \
  dotnet bench/Actors.Bench/bin/Release/net10.0/Actors.Bench.dll "$seconds" "$concurrency" "$phases"

# BENCH_PG_STATS=1: where PostgreSQL's time went over the whole run, by statement (pg_stat_statements).
if [ -n "${BENCH_PG_STATS:-}" ]; then
  echo "== PostgreSQL statements by total execution time (database actors, the last phase)"
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d actors -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
    -c "SELECT calls, round(total_exec_time) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS query
        FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'actors' ORDER BY total_exec_time DESC LIMIT 12" \
    -c "SELECT relname, n_live_tup, n_dead_tup, autovacuum_count, autoanalyze_count, last_autovacuum, last_autoanalyze FROM pg_stat_user_tables ORDER BY n_live_tup DESC LIMIT 6"
fi
