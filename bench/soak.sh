#!/usr/bin/env bash
# A soak of the PostgreSQL mode: a steady mixed load at a fixed rate for a long time, sampled at a fixed interval, to
# see whether memory, latency and delivery lag stay flat while the history (the event log) grows.
#   usage: bench/soak.sh [minutes] [sample-seconds]      (defaults 30 and 60)
# It starts a throwaway PostgreSQL server (a temp dir, a free loopback port) and one gateway co-hosting a silo in
# PostgreSQL mode, with the load settings of README's Performance section, and runs the load tool's `soak` scenario
# (bench/Actors.Load/Soak.cs: top and latest pages, comment pages, up-votes, comments, submissions, transfers and
# deposits, open loop at SOAK_RATE calls/s). At the end of every interval it samples the gateway's RSS (/proc) and
# managed heap (/metrics: dotnet_gc_last_collection_heap_size_bytes), that interval's p50/p99/max latency per kind of
# call (from the load tool), the delivery lag (/metrics: actors_stream_delivery_lag_milliseconds over the interval,
# and /admin/delivery: events between the log head and the slowest delivery queue's checkpoint), grain activations
# (/metrics), PostgreSQL's database size and the number of events in the log.
# Writes to SOAK_OUT (default a new temp dir): soak.csv, activations.csv (by grain type), soak.svg (memory, p99 and
# lag over minutes), summary.txt, load.log, and the first and last /metrics scrapes; prints the table and whether
# each series is flat (bench/soak-report.py says how that is judged). Exit 0 when every headline series is flat,
# 1 when one is not or the run failed, 2 on bad arguments. Everything it starts is stopped on exit and on Ctrl-C.
# Optional environment:
#   SOAK_RATE=200     calls per second (an open loop: the schedule does not wait for answers)
#   SOAK_USERS=400    registered users (and SOAK_USERS/20 bank account owners, 5 accounts each)
#   SOAK_NEWS=400     news voted on (distinct voter/news pairs: users x news must exceed the run's votes)
#   SOAK_OUT=dir      where the results go
# Needs: the .NET SDK, curl, python3 (standard library only) and PostgreSQL's server binaries (14 or later).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  echo "usage: bench/soak.sh [minutes] [sample-seconds]   (defaults 30 and 60; environment SOAK_RATE, SOAK_USERS, SOAK_NEWS, SOAK_OUT)" >&2
  exit "${1:-2}"
}
bad() { echo "bench/soak.sh: $*" >&2; usage; }
case "${1:-}" in -h|--help) usage 0 2>&1 ;; -*) bad "unknown option $1" ;; esac
[ $# -le 2 ] || bad "too many arguments"
minutes="${1:-30}"; interval="${2:-60}"
rate="${SOAK_RATE:-200}"; users="${SOAK_USERS:-400}"; news="${SOAK_NEWS:-400}"
[[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] && awk "BEGIN{exit !($minutes > 0)}" || bad "minutes must be a positive number, not '$minutes'"
[[ "$interval" =~ ^[0-9]+$ ]] && [ "$interval" -ge 5 ] || bad "sample-seconds must be a whole number of at least 5, not '$interval'"
seconds=$(awk "BEGIN{printf \"%d\", $minutes * 60}")
[ "$interval" -le "$seconds" ] || bad "sample-seconds ($interval) must not exceed the run ($seconds s)"
[[ "$rate" =~ ^[0-9]+([.][0-9]+)?$ ]] && awk "BEGIN{exit !($rate > 0)}" || bad "SOAK_RATE must be a positive number, not '$rate'"
[[ "$users" =~ ^[1-9][0-9]*$ ]] || bad "SOAK_USERS must be a positive whole number, not '$users'"
[[ "$news" =~ ^[1-9][0-9]*$ ]] || bad "SOAK_NEWS must be a positive whole number, not '$news'"
for tool in dotnet curl python3; do command -v "$tool" >/dev/null || { echo "bench/soak.sh: $tool is needed" >&2; exit 1; }; done
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "bench/soak.sh: PostgreSQL's server binaries are needed (e.g. apt-get install postgresql)" >&2; exit 1; }

work=$(mktemp -d /tmp/actors-soak-XXXXXX)
out="${SOAK_OUT:-$(mktemp -d /tmp/actors-soak-out-XXXXXX)}"
mkdir -p "$out"; out=$(cd "$out" && pwd); rm -f "$out/soak.csv" "$out/activations.csv"
gw_pid=""; load_pid=""; pg_started=""
as_pg=(); if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$work"; as_pg=(runuser -u postgres --); fi

cleanup() {
  trap - EXIT INT TERM
  if [ -n "$load_pid" ]; then kill "$load_pid" 2>/dev/null || true; fi
  if [ -n "$gw_pid" ] && kill "$gw_pid" 2>/dev/null; then
    for _ in $(seq 1 150); do kill -0 "$gw_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$gw_pid" 2>/dev/null || true
    wait "$gw_pid" 2>/dev/null || true
  fi
  if [ -n "$pg_started" ]; then "${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "bench/soak.sh: interrupted, cleaning up" >&2; exit 130' INT TERM

# Four free loopback ports at once (PostgreSQL, HTTP, silo-to-silo, silo gateway), so they differ from each other.
read -r pg_port http_port silo_port gateway_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
url="http://127.0.0.1:$http_port"

echo "== build (Release)"
dotnet build src/Actors.Gateway -c Release -v q -nologo >/dev/null
dotnet build bench/Actors.Load -c Release -v q -nologo >/dev/null
gw_dir="$PWD/src/Actors.Gateway/bin/Release/net10.0"

echo "== PostgreSQL ($("$bin/postgres" --version | awk '{print $3}')) on port $pg_port"
"${as_pg[@]}" "$bin/initdb" -D "$work/data" -U postgres --auth=trust >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/postgres.log" -w \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $work -c synchronous_commit=on -c fsync=on -c max_connections=200" start >/dev/null
pg_started=1
psql=("$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -X -q)
"${psql[@]}" -c "CREATE DATABASE actors"

echo "== gateway co-hosting a silo, PostgreSQL mode, on $url"
ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=actors;Maximum Pool Size=100" \
Orleans__UseLoopback=true Orleans__SiloPort="$silo_port" Orleans__GatewayPort="$gateway_port" Orleans__ClusterId="soak-$$" \
Admin__Token="$token" \
News__UserCreationDelaySeconds=0 Users__PasswordHashIterations=1000 News__UserInitialKarma=1000000 News__NewsSubmissionBreakSeconds=0 \
  dotnet "$gw_dir/Actors.Gateway.dll" --contentRoot "$gw_dir" --urls "$url" >"$work/gateway.log" 2>&1 &
gw_pid=$!
for _ in $(seq 1 1200); do
  if curl -fs "$url/health/ready" >/dev/null 2>&1; then break; fi
  kill -0 "$gw_pid" 2>/dev/null || { echo "the gateway exited; its log:"; cat "$work/gateway.log"; exit 1; }
  sleep 0.1
done
curl -fs "$url/health/ready" >/dev/null || { echo "the gateway did not become ready in 120 s; its log:"; tail -50 "$work/gateway.log"; exit 1; }

cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
now_s() { date +%s.%N; }
prev_ticks=""; prev_time=""; prev_metrics=""
# One sample: everything but the load tool's latencies (given in its line) is read now, at the end of the interval.
take_sample() {
  local n="$1" line="$2" rss ticks time cores db events
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$gw_pid/status")
  ticks=$(cpu_ticks "$gw_pid"); time=$(now_s)
  cores=""; [ -n "$prev_ticks" ] && cores=$(awk "BEGIN{printf \"%.2f\", ($ticks - $prev_ticks) / 100 / ($time - $prev_time)}")
  prev_ticks="$ticks"; prev_time="$time"
  curl -s -m 20 "$url/metrics" >"$work/metrics-$n.txt" || true
  curl -s -m 20 -H "X-Admin-Token: $token" "$url/admin/delivery" >"$work/delivery-$n.json" || true
  read -r db events < <("${psql[@]}" -At -F ' ' -d actors -c "SELECT pg_database_size('actors'), position FROM actors_log_head" || echo "")
  python3 bench/soak-report.py sample "$out" "$n" "$line" "$work/metrics-$n.txt" "$prev_metrics" "$work/delivery-$n.json" \
    "$rss" "$cores" "$(cut -d' ' -f1 /proc/loadavg)" "${db:-}" "${events:-}" || echo "  (sample $n could not be recorded)"
  if [ "$n" = 0 ]; then cp "$work/metrics-$n.txt" "$out/metrics-start.txt"; fi
  [ -n "$prev_metrics" ] && rm -f "$prev_metrics"
  prev_metrics="$work/metrics-$n.txt"; rm -f "$work/delivery-$n.json"
}

echo "== soak: ${minutes} min at ${rate} calls/s, a sample every ${interval} s (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
started=$(date -u +%Y-%m-%dT%H:%MZ)
exec 3< <(dotnet bench/Actors.Load/bin/Release/net10.0/Actors.Load.dll soak --duration "${seconds}s" --interval "${interval}s" \
            --rate "$rate" --users "$users" --news "$news" --url "$url" 2>&1 &
          echo "load-pid $!"; wait $!; echo "load-exit $?")
load_rc=""
while IFS= read -r line <&3; do
  case "$line" in
    "load-pid "*) load_pid="${line#load-pid }" ;;
    "load-exit "*) load_rc="${line#load-exit }"; load_pid="" ;;
    "soak start"*) echo "$line" | tee -a "$out/load.log"; take_sample 0 "$line" ;;
    "soak "[0-9]*) echo "$line" >>"$out/load.log"; take_sample "$(echo "$line" | cut -d' ' -f2)" "$line" ;;
    *) echo "$line" | tee -a "$out/load.log" ;;
  esac
done
exec 3<&-
[ -n "$prev_metrics" ] && cp "$prev_metrics" "$out/metrics-end.txt"
tail -200 "$work/gateway.log" >"$out/gateway-log-tail.txt"
echo "== results in $out (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
status=0
python3 bench/soak-report.py report "$out" \
  "Soak, PostgreSQL mode: ${minutes} min of mixed load at ${rate} calls/s, started $started" || status=$?
if [ "${load_rc:-1}" != 0 ]; then
  echo "the load tool exited with ${load_rc:-no status} (errors in load.log)"; status=1
fi
exit "$status"
