#!/usr/bin/env bash
# Up-votes on a seeded site: a gateway (Release build) seeded with N news, 256 signed-in users, a warm-up, then R phases
# of S seconds of wrk casting distinct voter/news up-votes (bench/size-wrk.lua counts the accepted ones), with the
# gateway's CPU per accepted vote. For A/B runs in one sitting, GW_ROOT names another checkout's root (built the same
# way) whose gateway is run instead. Optional: BURST=1 (top-30 reads during a vote burst), PERF=1 (perf record of the
# last phase), TRACE=1 (dotnet-trace allocations of the last phase), EXTRA_ENV="Key=value ..." (gateway settings).
# Usage: bench/votes-seeded.sh [news 10000] [phases 3] [seconds 8]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"; R="${2:-3}"; S="${3:-8}"
out=$(mktemp -d /tmp/actors-votes-XXXXXX)
gw_dir="${GW_ROOT:-$PWD}/src/Actors.Gateway/bin/Release/net10.0"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port=$(free_port); url="http://127.0.0.1:$port"
env Seed__News="$N" News__UserCreationDelaySeconds=0 Users__PasswordHashIterations=1000 News__UserInitialKarma=1000000 News__NewsSubmissionBreakSeconds=0 \
  Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) ${EXTRA_ENV:-} dotnet "$gw_dir/Actors.Gateway.dll" --contentRoot "$gw_dir" --urls "$url" >$out/gateway.log 2>&1 &
gp=$!; trap "kill $gp 2>/dev/null; [ \"${PERF:-0}${TRACE:-0}\" = 00 ] && rm -rf $out || echo \"profiles in $out\"" EXIT
until curl -fs "$url/health/ready" >/dev/null 2>&1; do sleep 0.2; done
curl -fs "$url/api/getnews/top/0/30" >/dev/null
python3 - "$url" 256 2 >$out/users <<'PY'
import json, sys, urllib.parse, urllib.request
base, n, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(first, first + n):
    q = urllib.parse.urlencode({"username": f"user{i}", "password": "password1"})
    j = json.load(urllib.request.urlopen(urllib.request.Request(base + "/api/login", data=q.encode())))
    print(j["auth"], j["apisecret"])
PY
pairs() { awk -v n="$1" -v top="$2" '{ for (k = 0; k < n; k++) print $1, $2, top - k }' $out/users | shuf --random-source=<(yes) >"$3"; }
writes() { SIZE_MODE="$1" SIZE_LINES="$3" SIZE_AUTH=bearer SIZE_THREADS=2 wrk -t2 -c64 -d"$4s" --latency -s bench/size-wrk.lua "$2" | awk '/^accepted/ {printf "%.1f %s %s\n", $2/$6, $8, $10}'; }
pairs 1000 1000 $out/warm; writes vote $url $out/warm 5 >/dev/null
curl -fs $url/metrics > $out/m-start
for r in $(seq 1 $R); do pairs 1500 $((N - (r-1)*1500)) $out/p$r; if [ "${TRACE:-0}" = 1 ] && [ $r = $R ]; then (~/.dotnet/tools/dotnet-trace collect -p $gp --providers "Microsoft-Windows-DotNETRuntime:0x1:5" --duration 00:00:00:06 -o $out/t.nettrace >/dev/null 2>&1 &); fi; if [ "${PERF:-0}" = 1 ] && [ $r = $R ]; then (perf record -F 499 -g -p $gp -o $out/perf.data -- sleep $((S-1)) >/dev/null 2>&1 &); fi; if [ "${VMSTAT:-0}" = 1 ]; then (vmstat 2 3 | tail -2 > $out/vm$r &); (sleep 2; top -b -n1 -d1 | head -12 | tail -6 > $out/top$r) & fi; c0=$(awk '{print $14+$15}' /proc/$gp/stat); res=$(writes vote $url $out/p$r $S); c1=$(awk '{print $14+$15}' /proc/$gp/stat); v=$(echo $res | cut -d" " -f1); echo "votes/s p50 p99: $res  cpu_us/vote $(python3 -c "print(round(($c1-$c0)*10000/($v*$S)))")  load $(cut -d' ' -f1 /proc/loadavg)"; done
curl -fs $url/metrics > $out/m-end
if [ "${BURST:-0}" = 1 ]; then
  pairs 1000 3000 $out/bp
  q=$(wrk -t1 -c32 -d${S}s "$url/api/getnews/top/0/30" | awk '/^Requests\/sec/ {print $2}')
  SIZE_MODE=vote SIZE_LINES=$out/bp SIZE_AUTH=bearer SIZE_THREADS=1 wrk -t1 -c32 -d${S}s -s bench/size-wrk.lua "$url" >$out/bw &
  w=$!
  d=$(wrk -t1 -c32 -d${S}s "$url/api/getnews/top/0/30" | awk '/^Requests\/sec/ {print $2}')
  wait $w
  echo "burst: quiet $q during $d votes $(awk '/^accepted/ {printf "%.1f", $2/$6}' $out/bw)"
fi
