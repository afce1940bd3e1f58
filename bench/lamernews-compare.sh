#!/usr/bin/env bash
# Equal to the original (issue "Move a real Lamernews site over"): writes a scripted history into the Lamernews peer
# through its API, imports the peer's Redis into a throwaway PostgreSQL (twice: the second run must write nothing),
# starts a gateway on it and compares both sites' answers field by field (bench/lamernews-compare.py says what and
# which differences are documented decisions). Uses the peer from the shared folder beside the repository
# (LAMERNEWS_PEER, default ../shared/peers/run-lamernews.sh; its Redis listens on port 10000), so it is a tool, not a test.
# Usage: bench/lamernews-compare.sh [news] [votes] [comments]   (default 1000 5000 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
news="${1:-1000}"; votes="${2:-5000}"; comments="${3:-2000}"
peer_script="${LAMERNEWS_PEER:-../shared/peers/run-lamernews.sh}"
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/actors-lamercompare-XXXXXX); pg_port=$((20000 + RANDOM % 20000)); web_port=$((40000 + RANDOM % 10000))
as_pg=(); if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; as_pg=(runuser -u postgres --); fi
gateway_pid=""
cleanup() {
  [ -n "$gateway_pid" ] && { kill "$gateway_pid" 2>/dev/null; wait "$gateway_pid" 2>/dev/null; } || true
  "$peer_script" stop || true
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

dotnet build src/Actors.Silo -c Release -v q -nologo >/dev/null
dotnet build src/Actors.Gateway -c Release -v q -nologo >/dev/null
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=200" start >/dev/null
"$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE actors"
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=actors"
export Orleans__UseLoopback=true Orleans__SiloPort=$((web_port + 1)) Orleans__GatewayPort=$((web_port + 2))

peer=$(LAMER_KARMA=1000000 LAMER_SUBMIT_BREAK=1 "$peer_script" start 4570 | tail -1)
"$peer_script" flush
echo "== history into the peer ($peer): $news news, $votes votes, $comments comments"
python3 bench/lamernews-compare.py history "$peer" "$news" "$votes" "$comments" > "$dir/history.json"
cat "$dir/history.json"

for run in 1 2; do
  echo "== import, run $run"
  start=$(date +%s.%N)
  dotnet src/Actors.Silo/bin/Release/net10.0/Actors.Silo.dll import-lamernews --redis 127.0.0.1:10000 > "$dir/import-$run.log"
  echo "took $(echo "$(date +%s.%N) - $start" | bc) s"
  sed -n '/^imported:/,$p' "$dir/import-$run.log" | head -12
done

echo "== gateway on the imported database"
News__SiteUrl=http://lamernews.com dotnet src/Actors.Gateway/bin/Release/net10.0/Actors.Gateway.dll \
  --contentRoot "$PWD/src/Actors.Gateway/bin/Release/net10.0" --urls "http://127.0.0.1:$web_port" > "$dir/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$web_port/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
echo "== compare"
python3 bench/lamernews-compare.py compare "$peer" "http://127.0.0.1:$web_port" < "$dir/history.json"
