#!/usr/bin/env bash
# Runs Lamernews' third-party clients, as their users would, against a local gateway, and reports what ran and how it
# went (README "Lamernews clients"). Nothing of theirs is kept in this repository: every run installs them afresh in
# a temporary directory.
#   - sbruchmann/lamernews-api       npm package lamernews-api
#   - badsyntax/lamernews-api-client npm package lamernews-api-client (the client generated from its OpenAPI description)
#   - the OpenAPI description itself (api/lamernews-schema.yml): not in that npm package; give the repository
#     (a checkout or a bare git directory) as CLIENTS_SCHEMA_REPO, else this part is skipped
#   - bevacqua/lamernews-client      not on the npm registry (404); give its repository as CLIENTS_BEVACQUA, else skipped
#     (its dependencies, contra, request and tough-cookie, come from npm)
#   - an RSS parser (npm rss-parser) on /rss
# Each runs twice: against a gateway with the default numbers and one with Lamernews__StringFields=true.
# Usage: [CLIENTS_BEVACQUA=dir] [CLIENTS_SCHEMA_REPO=dir] bench/clients/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DLL="$ROOT/src/Actors.Gateway/bin/Release/net10.0/Actors.Gateway.dll"
[ -f "$DLL" ] || dotnet build "$ROOT/src/Actors.Gateway" -c Release -v q
WORK="$(mktemp -d /tmp/actors-clients.XXXXXX)"
GATEWAY_PID=""
cleanup() { [ -n "$GATEWAY_PID" ] && kill "$GATEWAY_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

echo "== installing the clients in $WORK"
(cd "$WORK" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error \
  lamernews-api@0.1.3 lamernews-api-client@0.0.2 rss-parser@3 js-yaml@4 ajv@8 contra request tough-cookie >/dev/null)

# A repository given as a checkout or as a bare git directory: copy out the files asked for.
export_from() { # repo dest files...
  local repo="$1" dest="$2"; shift 2
  mkdir -p "$dest"
  if [ -d "$repo/.git" ] || [ -f "$repo/HEAD" ]; then
    local gitdir="$repo"; [ -d "$repo/.git" ] && gitdir="$repo/.git"
    git --git-dir="$gitdir" archive HEAD "$@" | tar -x -C "$dest"
  else
    for f in "$@"; do mkdir -p "$dest/$(dirname "$f")"; cp "$repo/$f" "$dest/$f"; done
  fi
}
if [ -n "${CLIENTS_BEVACQUA:-}" ]; then export_from "$CLIENTS_BEVACQUA" "$WORK/bevacqua" index.js; fi
if [ -n "${CLIENTS_SCHEMA_REPO:-}" ]; then export_from "$CLIENTS_SCHEMA_REPO" "$WORK/schema" api/lamernews-schema.yml; fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
status=0
for mode in numbers strings; do
  port=$(free_port)
  strings=false; [ "$mode" = strings ] && strings=true
  echo "== gateway on 127.0.0.1:$port, Lamernews__StringFields=$strings"
  News__UserCreationDelaySeconds=0 Users__PasswordHashIterations=1000 News__NewsSubmissionBreakSeconds=0 \
  News__UserInitialKarma=1000 Lamernews__StringFields=$strings \
  Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) \
    dotnet "$DLL" --urls "http://127.0.0.1:$port" >"$WORK/gateway-$mode.log" 2>&1 &
  GATEWAY_PID=$!
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  node "$ROOT/bench/clients/drive.cjs" "http://127.0.0.1:$port" "$WORK" "$mode" || status=1
  kill "$GATEWAY_PID"; wait "$GATEWAY_PID" 2>/dev/null || true; GATEWAY_PID=""
done
exit $status
