#!/usr/bin/env bash
# Size benchmark: how the site's costs grow with its history. Per size, a fresh gateway seeded to that many news
# (in memory, Seed__News: users, months of creation times, power-law votes, comment threads, deleted news), then wrk:
# top-30 and latest reads/s with p50/p99, accepted up-votes/s on recent news, accepted submissions/s and comments/s,
# the gateway's RSS and managed heap, memory per news, the seeding time and the time from ready to the first full
# front page (the ranking projection's rebuild from the log); in PostgreSQL mode (a throwaway server, as
# bench/postgres-bench.sh makes one) the seeding speed of the silo's seed command and the time from kill -9 + restart
# to the first full front page (same ports, as a supervised restart). Then one reader's front-page latency (one
# connection, back to back) and two bursts: front-page readers alone, then beside up-votes, then beside submissions at
# full speed, with how far the top list's feed was behind the log meanwhile. Prints markdown tables (medians of the runs).
#   usage: bench/size-bench.sh [sizes] [runs] [seconds]
#     sizes    comma-separated news counts (default 10000,100000,1000000)
#     runs     runs per size, each on a fresh gateway (default 3; the table gives medians)
#     seconds  measured seconds per wrk phase (default 10)
#   environment:
#     SIZE_PG=0        skip the PostgreSQL rows (default 1: needs PostgreSQL's binaries)
#     SIZE_MEMORY=0    skip the in-memory runs (e.g. only the PostgreSQL seed and restart at 1,000,000 news)
#     SIZE_PEER=1      also run the same read/vote/submit workload against the Lamernews peer, its Redis filled to the same
#                      size through its key layout (redis-cli --pipe), and print the ratios. Uses ../shared/peers/
#                      (run-lamernews.sh, relative to the repository root), which is not part of this repository.
#     SIZE_WARMUP=s    unmeasured seconds of up-votes before the write phases (default 5, plus 1 per 100,000 news: at
#                      1,000,000 news the first writes after seeding ran at ~400 votes/s for about 8 s, then at full speed)
#     SIZE_PG_WARMUP=s unmeasured seconds of submissions before the durable ones, after the restart (default 120)
#     SIZE_USERS=N     signed-in users the write phases use (default 256); SIZE_THREADS, SIZE_CONNECTIONS: wrk -t/-c (2, 64)
#     SIZE_GEN0=hex    DOTNET_GCgen0size for the gateways (e.g. 0x10000000: ~3x faster seeding; unset by default, so the
#                      figures compare with README's Performance table, which uses the runtime's defaults)
# Votes: each wrk thread takes its own lines of a file of (user, news) pairs on the most recent 2,000 news, and only
# answers with "status":"ok" count (a refused vote is HTTP 200 with "status":"err").
# Needs: the .NET SDK, curl, python3, wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${1:-10000,100000,1000000}"; runs="${2:-3}"; seconds="${3:-10}"
threads="${SIZE_THREADS:-2}"; connections="${SIZE_CONNECTIONS:-64}"; users="${SIZE_USERS:-256}"
out="$(mktemp -d)"; gateway_pid=""; pg_dir=""
cleanup() {
  [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null
  [ -n "$pg_dir" ] && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1
  [ "${SIZE_PEER:-0}" = 1 ] && ../shared/peers/run-lamernews.sh stop >/dev/null 2>&1
  rm -rf "$out" ${pg_dir:+"$pg_dir"}
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "size-bench: wrk is needed"; exit 2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now() { date +%s.%N; }
median() { python3 -c 'import sys,statistics; v=[float(x) for x in sys.argv[1:] if x!="-"]; print(f"{statistics.median(v):.6g}" if v else "-")' "$@"; }

echo "== build (Release)"
dotnet build src/Actors.Gateway -c Release -v q -nologo >/dev/null
dotnet build src/Actors.Silo -c Release -v q -nologo >/dev/null
gw_dir="$PWD/src/Actors.Gateway/bin/Release/net10.0"; silo_dir="$PWD/src/Actors.Silo/bin/Release/net10.0"

# A gateway seeded to $1 news; extra environment in the rest. Sets url, gateway_pid, ready_s (start -> ready).
start_gateway() {
  local news="$1"; shift
  port="$(free_port)"; url="http://127.0.0.1:$port"
  local started; started="$(now)"
  env ${SIZE_GEN0:+DOTNET_GCgen0size=$SIZE_GEN0} Seed__News="$news" News__UserCreationDelaySeconds=0 Users__PasswordHashIterations=1000 \
    News__UserInitialKarma=1000000 News__NewsSubmissionBreakSeconds=0 Orleans__SiloPort="${silo_port:-$(free_port)}" Orleans__GatewayPort="${client_port:-$(free_port)}" \
    "$@" dotnet "$gw_dir/Actors.Gateway.dll" --contentRoot "$gw_dir" --urls "$url" >"$out/gateway.log" 2>&1 &
  gateway_pid=$!
  until curl -fs "$url/health/ready" >/dev/null 2>&1; do
    kill -0 "$gateway_pid" 2>/dev/null || { echo "gateway exited; its log:"; tail -20 "$out/gateway.log"; exit 1; }
    sleep 0.2
  done
  ready_s="$(python3 -c "print($(now) - $started)")"
}
stop_gateway() { kill "$gateway_pid" 2>/dev/null || true; wait "$gateway_pid" 2>/dev/null || true; gateway_pid=""; }

# Seconds until $1/api/getnews/top/0/30 answers a full page (30 news).
first_full_front_page() {
  python3 - "$1" <<'PY'
import json, sys, time, urllib.request
start = time.time()
while True:
    try:
        with urllib.request.urlopen(sys.argv[1] + "/api/getnews/top/0/30", timeout=3600) as r:
            if len(json.load(r).get("news", [])) == 30:
                break
    except Exception:
        time.sleep(0.2)
print(f"{time.time() - start:.3f}")
PY
}

# Resident set (MB) of pid $1 and managed heap (MB, sum of the generations after the last GC) from $2/metrics.
memory() {
  local rss heap
  rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status")
  heap=$(curl -fs "$2/metrics" | awk '/^dotnet_gc_last_collection_heap_size_bytes/ {s+=$NF} END {printf "%.0f", s/1048576}')
  echo "$rss $heap"
}

# Read phase: wrk GET $1 (threads and connections $2 and $3, default the script's) -> "reads/s p50_ms p99_ms".
reads() {
  wrk -t"${2:-$threads}" -c"${3:-$connections}" -d3s "$1" >/dev/null
  wrk -t"${2:-$threads}" -c"${3:-$connections}" -d"${seconds}s" --latency "$1" | python3 -c '
import re, sys
t = sys.stdin.read()
def ms(p):
    m = re.search(r"^\s+" + p + r"%\s+([\d.]+)(us|ms|s)", t, re.M)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)] if m else float("nan")
print(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1), ms("50"), ms("99"))'
}

# Sign in seeded users $4..$4+$3-1 at $1 (style $2: bearer or cookie); lines "token secret" on stdout.
sign_in() {
  python3 - "$1" "$2" "$3" "$4" <<'PY'
import json, sys, urllib.parse, urllib.request
base, style, n, first = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for i in range(first, first + n):
    q = urllib.parse.urlencode({"username": f"user{i}", "password": "password1"})
    req = urllib.request.Request(base + "/api/login?" + q) if style == "cookie" else urllib.request.Request(base + "/api/login", data=q.encode())
    j = json.load(urllib.request.urlopen(req))
    if j.get("status") == "ok":
        print(j["auth"], j["apisecret"])
PY
}

# Write phase: wrk POSTs of kind $1 at $2 with lines file $3 (auth style $4) -> "accepted/s p50_ms p99_ms".
writes() {
  SIZE_MODE="$1" SIZE_LINES="$3" SIZE_AUTH="$4" SIZE_THREADS="$threads" \
    wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s bench/size-wrk.lua "$2" | awk '/^accepted/ {printf "%.1f %s %s\n", $2/$6, $8, $10}'
}

# One reader, one connection, requests back to back: "p50_ms p99_ms" of a single front-page read at $1.
one_reader() { reads "$1/api/getnews/top/0/30" 1 1 | cut -d' ' -f2-; }

# Burst at $url: front-page readers (one wrk thread, half the connections) alone, then alongside writes of kind $1 at
# full speed (another wrk, the other half, lines file $2) -> "quiet_reads/s burst_reads/s accepted_writes/s lag_p99_ms
# lag_max_ms": the last two are how far the top list's feed (NewsRankingFeedGrain: the ranking grain has applied the
# event when its delivery ends) was behind the log during the burst, as upper bounds of the delivery-lag histogram's
# buckets (0.25 ms .. 10 s) over the burst's deliveries (each measured by its oldest event), read from /metrics before and after.
burst() {
  local half=$((connections / 2)) quiet during writer
  quiet=$(wrk -t1 -c"$half" -d"${seconds}s" "$url/api/getnews/top/0/30" | awk '/^Requests\/sec/ {print $2}')
  curl -fs "$url/metrics" >"$out/metrics-before"
  SIZE_MODE="$1" SIZE_LINES="$2" SIZE_AUTH=bearer SIZE_THREADS=1 \
    wrk -t1 -c"$half" -d"${seconds}s" -s bench/size-wrk.lua "$url" >"$out/burst-writes" &
  writer=$!
  during=$(wrk -t1 -c"$half" -d"${seconds}s" "$url/api/getnews/top/0/30" | awk '/^Requests\/sec/ {print $2}')
  wait "$writer"
  curl -fs "$url/metrics" >"$out/metrics-after"
  echo "$quiet $during $(awk '/^accepted/ {printf "%.1f", $2/$6}' "$out/burst-writes") $(python3 - "$out/metrics-before" "$out/metrics-after" <<'PY'
import re, sys
def buckets(path):
    b = {}
    for line in open(path):
        m = re.match(r'actors_stream_delivery_lag\w*_bucket\{(.*)\} (\S+)', line)
        if m and 'projection="NewsRankingFeedGrain"' in m.group(1):
            le = re.search(r'le="([^"]+)"', m.group(1)).group(1)
            b[float("inf") if le == "+Inf" else float(le)] = float(m.group(2))
    return b
before, after = buckets(sys.argv[1]), buckets(sys.argv[2])
delta = sorted((le, after[le] - before.get(le, 0)) for le in after)
total = delta[-1][1] if delta else 0
def bound(q):
    return next((f"{le:g}" for le, n in delta if n >= q * total), "-") if total else "-"
print(bound(0.99), bound(1.0))
PY
)"
}

# (user, news) pairs for the vote and comment phases: every signed-in user on the $1 most recent news up to id $2.
pairs() { awk -v n="$1" -v top="$2" '{ for (k = 0; k < n; k++) print $1, $2, top - k }' "$out/users" | shuf --random-source=<(yes) >"${3:-$out/pairs}"; }

# One measured sitting at $url (news count $1, auth style $2): "top p50 p99 latest p50 p99 votes/s submits/s comments/s".
workload() {
  local news="$1" style="$2" top latest votes submits comments
  top=$(reads "$url/api/getnews/top/0/30")
  latest=$(reads "$url/api/getnews/latest/0/30")
  sign_in "$url" "$style" "$users" 2 >"$out/users"
  # Submissions as user1, the administrator, whom neither site's submission break applies to (Lamernews cannot set a
  # break of 0: it stores it as a key's time to live).
  sign_in "$url" "$style" 1 1 >"$out/admin"
  pairs 2000 "$news"
  # Warm-up (unmeasured, pairs of their own on the 2,000 news before those): the first writes activate the signed-in
  # users' grains and compile the write paths; measured from cold, a few seconds' phase is mostly that (wrk timeouts).
  pairs 2000 "$((news - 2000))" "$out/warm-pairs"
  seconds="${SIZE_WARMUP:-$((5 + news / 100000))}" writes vote "$url" "$out/warm-pairs" "$style" >/dev/null
  votes=$(writes vote "$url" "$out/pairs" "$style" | cut -d' ' -f1)
  submits=$(writes submit "$url" "$out/admin" "$style" | cut -d' ' -f1)
  awk '{print $1, $2, $3}' "$out/pairs" | head -20000 >"$out/comment-lines"
  comments=$( [ "$style" = bearer ] && writes comment "$url" "$out/comment-lines" "$style" | cut -d' ' -f1 || echo -)
  one=$(one_reader "$url")
  echo "$top $latest $votes $submits $comments $one"
}

# This site only (bursts of this site's own consumers): "quiet/s during/s writes/s lag_p99 lag_max" for a vote burst (pairs
# of their own on the 2,000 news before the warm-up's), then the same for a submission burst.
bursts() {
  local news="$1"
  pairs 2000 "$((news - 4000))" "$out/burst-pairs"
  echo "$(burst vote "$out/burst-pairs") $(burst submit "$out/admin")"
}

declare -A row
for size in ${sizes//,/ }; do
  vals_ready=(); vals_first=(); vals_rss=(); vals_heap=(); vals_work=()
  for run in $(seq 1 "$( [ "${SIZE_MEMORY:-1}" = 1 ] && echo "$runs" || echo 0)"); do
    echo "== $size news, run $run/$runs (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    start_gateway "$size"
    first=$(first_full_front_page "$url")
    read -r rss heap <<<"$(memory "$gateway_pid" "$url")"
    work="$(workload "$size" bearer) $(bursts "$size")"
    echo "   seeded+ready ${ready_s}s, first full front page ${first}s, RSS ${rss} MB, heap ${heap} MB"
    echo "   top/s p50 p99, latest/s p50 p99, votes/s, submits/s, comments/s, one reader p50 p99; vote burst, submission burst (quiet reads/s, reads/s, writes/s, ranking lag p99, max ms): $work"
    grep -o '"Message":"Seeded [^"]*"' "$out/gateway.log" | head -1 | sed 's/^/   /'
    stop_gateway
    vals_ready+=("$ready_s"); vals_first+=("$first"); vals_rss+=("$rss"); vals_heap+=("$heap"); vals_work+=("$work")
  done
  row[$size,ready]=$(median "${vals_ready[@]}"); row[$size,first]=$(median "${vals_first[@]}")
  row[$size,rss]=$(median "${vals_rss[@]}"); row[$size,heap]=$(median "${vals_heap[@]}")
  for i in $(seq 1 21); do
    row[$size,w$i]=$(median $(printf '%s\n' "${vals_work[@]}" | awk -v i="$i" '{print $i}'))
  done

  if [ "${SIZE_PG:-1}" = 1 ]; then
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    pg_dir=$(mktemp -d /tmp/actors-size-XXXXXX); pg_port=$(free_port)
    as_pg=(); if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$pg_dir"; as_pg=(runuser -u postgres --); fi
    "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust >/dev/null
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $pg_dir -c max_connections=200" start >/dev/null
    "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE actors"
    pg="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=actors"
    echo "== $size news, PostgreSQL: seed command"
    seeded=$(ConnectionStrings__Postgres="$pg" Orleans__SiloPort="$(free_port)" Orleans__GatewayPort="$(free_port)" Logging__LogLevel__Default=Warning \
      News__UserInitialKarma=1000000 dotnet "$silo_dir/Actors.Silo.dll" seed --news "$size" | grep '^seeded:' || true)
    echo "   $seeded"
    row[$size,pgseed]=$(echo "$seeded" | grep -o '([0-9,]* events/s)' | tr -d '(),' | cut -d' ' -f1)
    # The restart keeps the silo's ports, as a supervisor restarting the process does (and deploy/ configures them):
    # Orleans then sees its own older generation at that address and declares it dead at once. On new ports the dead
    # silo stays "active" in the membership table until probes time out, and calls routed to it wait: ~107 s here.
    silo_port=$(free_port); client_port=$(free_port)
    start_gateway 0 ConnectionStrings__Postgres="$pg"
    row[$size,pgcold]=$(first_full_front_page "$url")
    kill -9 "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true
    restarted=$(now)
    start_gateway 0 ConnectionStrings__Postgres="$pg"
    first_full_front_page "$url" >/dev/null
    row[$size,pgrestart]=$(python3 -c "print(f'{$(now) - $restarted:.2f}')")
    silo_port=""; client_port=""
    echo "   first full front page on a fresh gateway ${row[$size,pgcold]}s; kill -9, restart -> full front page ${row[$size,pgrestart]}s"
    # Durable submissions over HTTP, after an unmeasured warm-up, by many authors (no break here): one author's
    # submissions run one at a time (its grain is where the submission break is decided), so one author is bounded by
    # its commit latency (~30 ms: 32 submissions/s), while Lamernews has no such order. Each wrk request takes the next
    # author's line, so the concurrent submissions are by different authors, as on a real site.
    # The warm-up is longer than the in-memory one: right after a restart the tiered JIT and the projections' catch-up
    # (user grains and the users directory folding their streams) share the cores with the submissions, which went 81,
    # 140, 465, 618, 730, 860/s in consecutive 8 s phases at 10k news; at 100k, 320/s after 40 s, 1,050/s after 120 s.
    sign_in "$url" bearer "$users" 2 >"$out/authors"
    seconds="${SIZE_PG_WARMUP:-120}" writes submit "$url" "$out/authors" bearer >/dev/null
    row[$size,pgsubmit]=$(writes submit "$url" "$out/authors" bearer | cut -d' ' -f1)
    echo "   durable submissions ${row[$size,pgsubmit]}/s"
    stop_gateway
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null; rm -rf "$pg_dir"; pg_dir=""
  fi

  if [ "${SIZE_PEER:-0}" = 1 ]; then
    echo "== $size news, Lamernews peer"
    peer_port=$(free_port)
    url=$(LAMER_KARMA=1000000 ../shared/peers/run-lamernews.sh start "$peer_port" | tail -1)
    ../shared/peers/run-lamernews.sh flush >/dev/null
    python3 bench/size-peer-fill.py "$size" | redis-cli -p 10000 --pipe >/dev/null
    peer=$(workload "$size" cookie)
    echo "   top/s p50 p99, latest/s p50 p99, votes/s, submits/s, -, one reader p50 p99: $peer"
    for i in 1 4 7 8 10 11; do row[$size,p$i]=$(echo "$peer" | awk -v i="$i" '{print $i}'); done
    ../shared/peers/run-lamernews.sh stop >/dev/null
  fi
done

echo
echo "| news | seeded + ready (s) | ready -> first full front page (s) | top-30 reads/s (p50 / p99 ms) | latest reads/s (p50 / p99 ms) | accepted up-votes/s | submissions/s | comments/s | RSS MB | heap MB | RSS per news | PG seed events/s | PG kill -9 + restart -> front page (s) | PG submissions/s |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
prev_size=""; prev_rss=""
for size in ${sizes//,/ }; do
  per="-"; [ -n "$prev_size" ] && per=$(python3 -c "print(f'{($(echo ${row[$size,rss]}) - $prev_rss) * 1048576 / ($size - $prev_size):.0f} B')")
  echo "| $size | ${row[$size,ready]} | ${row[$size,first]} | ${row[$size,w1]} (${row[$size,w2]} / ${row[$size,w3]}) | ${row[$size,w4]} (${row[$size,w5]} / ${row[$size,w6]}) | ${row[$size,w7]} | ${row[$size,w8]} | ${row[$size,w9]} | ${row[$size,rss]} | ${row[$size,heap]} | $per | ${row[$size,pgseed]:--} | ${row[$size,pgrestart]:--} | ${row[$size,pgsubmit]:--} |"
  prev_size=$size; prev_rss=${row[$size,rss]}
done
echo
echo "| news | one front-page reader p50 / p99 ms | vote burst: reads/s quiet -> during (share), accepted votes/s, top list behind the log p99 / max | submission burst: the same |"
echo "| --- | --- | --- | --- |"
for size in ${sizes//,/ }; do
  during() { [ "$1" = - ] && { echo -; return; }; python3 -c "print(f'{$1:.0f} -> {$2:.0f}/s ({$2/$1:.0%}), {$3:.0f}/s, ≤ $4 / ≤ $5 ms')"; }
  echo "| $size | ${row[$size,w10]} / ${row[$size,w11]}${row[$size,p11]:+ (Lamernews ${row[$size,p10]} / ${row[$size,p11]})} | $(during "${row[$size,w12]}" "${row[$size,w13]}" "${row[$size,w14]}" "${row[$size,w15]}" "${row[$size,w16]}") | $(during "${row[$size,w17]}" "${row[$size,w18]}" "${row[$size,w19]}" "${row[$size,w20]}" "${row[$size,w21]}") |"
done
if [ "${SIZE_PEER:-0}" = 1 ]; then
  echo
  echo "| news | top-30 reads/s vs Lamernews | latest reads/s vs Lamernews | up-votes/s vs Lamernews | submissions/s vs Lamernews | durable (PostgreSQL) submissions/s vs Lamernews |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for size in ${sizes//,/ }; do
    ratio() { case "$1/$2" in */-|-/*|/*|*/) echo -; return;; esac; python3 -c "print(f'{$1/$2:.1f}x ({$1:.0f} vs {$2:.0f}/s)' if $2 > 0 else '-')"; }
    echo "| $size | $(ratio "${row[$size,w1]}" "${row[$size,p1]}") | $(ratio "${row[$size,w4]}" "${row[$size,p4]}") | $(ratio "${row[$size,w7]}" "${row[$size,p7]}") | $(ratio "${row[$size,w8]}" "${row[$size,p8]}") | $( [ -n "${row[$size,pgsubmit]:-}" ] && ratio "${row[$size,pgsubmit]}" "${row[$size,p8]}" || echo -) |"
  done
fi
