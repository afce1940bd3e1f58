#!/usr/bin/env bash
# Re-measures README's Performance table in one sitting, one row after another (nothing else should run meanwhile:
# the load generator shares the machine's cores with the system). Every row gets a fresh gateway (or silo, or
# database), started the way README says; the load tool's own summary lines and the load average are printed per run.
#   usage: bench/performance.sh [runs] [seconds] [sections]
#     runs      runs per throughput row (default 3; report the median)
#     seconds   measured seconds per run (default 15)
#     sections  comma-separated subset of memory,durable,coldstart (default all)
# Needs: the .NET SDK, curl and python3 (readiness, free ports, cold start), PostgreSQL's binaries (durable rows); wrk is optional (the
# wrk rows are skipped without it).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"; seconds="${2:-15}"; sections="${3:-memory,durable,coldstart}"
out="$(mktemp -d)"
gateway_pid=""
cleanup() { [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT

has() { [[ ",$sections," == *",$1,"* ]]; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== build (Release)"
dotnet build Actors.sln -c Release -v q -nologo >/dev/null
gw_dir="$PWD/src/Actors.Gateway/bin/Release/net10.0"
load=(dotnet bench/Actors.Load/bin/Release/net10.0/Actors.Load.dll)

# The gateway as README's Performance section starts it: no registration delay, cheap password hashing (the load
# tool registers thousands of users), enough karma for every vote, no submission break.
start_gateway() {
  # ws-fanout opens 1,000 sockets from this one address: lift the per-address cap (64 by default) for the bench.
  port="$(free_port)"; url="http://127.0.0.1:$port"
  News__UserCreationDelaySeconds=0 Users__PasswordHashIterations=1000 News__UserInitialKarma=1000000 \
  News__NewsSubmissionBreakSeconds=0 Realtime__MaxSocketsPerIp=100000 dotnet "$gw_dir/Actors.Gateway.dll" --contentRoot "$gw_dir" --urls "$url" \
    >"$out/gateway.log" 2>&1 &
  gateway_pid=$!
  for _ in $(seq 1 600); do
    if curl -fs "$url/health/ready" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "gateway did not become ready; its log:"; cat "$out/gateway.log"; exit 1
}

stop_gateway() { kill "$gateway_pid" 2>/dev/null || true; wait "$gateway_pid" 2>/dev/null || true; gateway_pid=""; }

# One load-tool row: a fresh gateway per run, the tool's result lines (not its progress lines) and the load average.
row() {
  local title="$1"; shift
  for run in $(seq 1 "$runs"); do
    start_gateway
    echo "== $title, run $run/$runs (load average before: $(load_avg))"
    "$@" --url "$url" --gateway-pid "$gateway_pid" 2>&1 \
      | grep -Ev '^ +[0-9]+ s: |^warm-up|^setup|^script:' || true
    echo "   (load average after: $(load_avg))"
    stop_gateway
  done
}

if has memory; then
  common=(--duration "${seconds}s" --warmup 8s)
  if command -v wrk >/dev/null; then
    for run in $(seq 1 "$runs"); do
      start_gateway
      curl -fs "$url/api/getnews/top/0/30" >/dev/null
      wrk -t2 -c64 -d5s "$url/api/getnews/top/0/30" >/dev/null  # warm-up
      echo "== top-30 reads (wrk -t2 -c64), run $run/$runs (load average before: $(load_avg))"
      wrk -t2 -c64 -d"${seconds}s" --latency "$url/api/getnews/top/0/30" | grep -E "Requests/sec|^ +(50|99)%"
      stop_gateway
    done
    row "up-votes (wrk)" "${load[@]}" votes-wrk --duration "${seconds}s" --warmup 10s --users 600 --news 600
  else
    echo "== wrk not installed: the wrk rows are skipped"
  fi
  row "top-30 reads (.NET load tool)" "${load[@]}" top "${common[@]}"
  row "up-votes (.NET load tool)" "${load[@]}" votes "${common[@]}"
  row "mixed news workload" "${load[@]}" mixed "${common[@]}"
  row "transfers over HTTP" "${load[@]}" transfers "${common[@]}"
  runs_saved="$runs"; runs=1
  row "vote acknowledged -> top list" "${load[@]}" vote-latency "${common[@]}"
  row "push to 1,000 WebSocket subscribers" "${load[@]}" ws-fanout --duration "${seconds}s" --users 12000
  runs="$runs_saved"
fi

if has durable; then
  for run in $(seq 1 "$runs"); do
    echo "== durable rows (PostgreSQL vs pgbench), run $run/$runs (load average before: $(load_avg))"
    bench/postgres-bench.sh "$seconds" 64 2>&1 | grep -Ev '^(warn|fail|info):|^      ' || true
  done
fi

if has coldstart; then
  echo "== cold start (Release build)"
  bench/coldstart.sh 5 | tail -3
  echo "== cold start (ReadyToRun publish)"
  COLDSTART_R2R=1 bench/coldstart.sh 5 | tail -3
fi
