#!/usr/bin/env bash
# The first read of a user's lists after a restart, on a seeded PostgreSQL site: the front page of a signed-in user
# asks for their votes, which rebuilds their UserNewsGrain from the log. Usage:
#   bench/user-first-read.sh [news] [gateway-dir...]
# Seeds [news] news (default 20000) into one throwaway PostgreSQL server with this tree's silo, then, for each gateway
# build directory given (default: this tree's Release build), starts that gateway (co-hosted silo) on the seeded site,
# reads the top page anonymously (warm-up: the ranking's rebuild, JIT), then times the first signed-in top page read of
# a few users (each one's first read since the start), and stops it. Give two directories to compare two builds on the
# same data (e.g. one built without the user activity index).
set -euo pipefail
cd "$(dirname "$0")/.."
news="${1:-20000}"; shift || true
gateways=("$@"); [ ${#gateways[@]} -gt 0 ] || gateways=("src/Actors.Gateway/bin/Release/net10.0")
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/actors-first-read-XXXXXX); port=$((20000 + RANDOM % 20000)); http=$((port + 1))
as_pg=(); if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; as_pg=(runuser -u postgres --); fi
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=200" start >/dev/null
gateway_pid=""
cleanup() {
  [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null || true
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; rm -rf "$dir"
}
trap cleanup EXIT
"$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE actors"
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$port;Username=postgres;Database=actors"
export Orleans__UseLoopback=true Orleans__SiloPort=$((port + 2)) Orleans__GatewayPort=$((port + 3))

dotnet build src/Actors.Silo -c Release -v q -nologo >/dev/null
echo "== seeding $news news"
start=$(date +%s.%N)
dotnet src/Actors.Silo/bin/Release/net10.0/Actors.Silo.dll seed --news "$news" | tail -1
echo "seeded in $(echo "$(date +%s.%N) - $start" | bc) s"
"$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d actors -tAc \
  "SELECT 'news events: ' || count(*) FROM actors_events WHERE category = 'news'"
users=(user2 user10 user100 user1000)
for user in "${users[@]}"; do
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d actors -tAc \
    "SELECT '$user: ' || count(*) || ' index rows' FROM actors_user_events WHERE user_id = ${user#user}"
done

for gateway in "${gateways[@]}"; do
  echo "== gateway $gateway"
  dotnet "$gateway/Actors.Gateway.dll" --urls "http://127.0.0.1:$http" >"$dir/gateway.log" 2>&1 &
  gateway_pid=$!
  until curl -fs "http://127.0.0.1:$http/health/ready" >/dev/null; do sleep 0.5; done
  curl -fs -o /dev/null -w "anonymous top page (warm-up): %{time_total} s\n" "http://127.0.0.1:$http/api/getnews/top/0/30"
  for user in "${users[@]}"; do
    auth=$(curl -fs "http://127.0.0.1:$http/api/login?username=$user&password=password1" | sed -E 's/.*"auth":"([^"]+)".*/\1/')
    curl -fs -o /dev/null -w "$user first signed-in top page: %{time_total} s\n" -H "Authorization: Bearer $auth" "http://127.0.0.1:$http/api/getnews/top/0/30"
    curl -fs -o /dev/null -w "$user second read: %{time_total} s\n" -H "Authorization: Bearer $auth" "http://127.0.0.1:$http/api/getnews/top/0/30"
  done
  kill "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true; gateway_pid=""
done
