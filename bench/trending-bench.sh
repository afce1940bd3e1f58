#!/usr/bin/env bash
# What trending costs a vote: bench/votes-seeded.sh (a Release gateway seeded with N news, wrk casting distinct up-votes,
# the gateway's CPU per accepted vote) run alternately with the windowed views on (the default) and off
# (Trending__Enabled=false), RUNS times each, then the medians of each side. Build first: dotnet build -c Release.
# Usage: bench/trending-bench.sh [runs 3] [news 10000] [phases 3] [seconds 8]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"; N="${2:-10000}"; R="${3:-3}"; S="${4:-8}"
out=$(mktemp -d /tmp/actors-trending-XXXXXX)
for run in $(seq 1 "$RUNS"); do
  for side in on off; do
    env_extra=""; [ "$side" = off ] && env_extra="Trending__Enabled=false"
    EXTRA_ENV="$env_extra" bench/votes-seeded.sh "$N" "$R" "$S" | grep '^votes/s' | tee -a "$out/$side" | sed "s/^/run $run $side: /"
  done
done
python3 - "$out" <<'PY'
import statistics, sys, re
out = sys.argv[1]
res = {}
for side in ("on", "off"):
    rows = [l.split() for l in open(f"{out}/{side}")]
    # "votes/s p50 p99: <votes> <p50> <p99>  cpu_us/vote <us>  load <l>"
    votes = [float(r[3]) for r in rows]
    cpu = [float(r[r.index("cpu_us/vote") + 1]) for r in rows]
    res[side] = (statistics.median(votes), statistics.median(cpu), len(rows))
    print(f"trending {side}: median {res[side][0]:.0f} votes/s, {res[side][1]:.0f} µs of gateway CPU per vote ({len(rows)} phases)")
on, off = res["on"], res["off"]
print(f"trending adds {100 * (on[1] / off[1] - 1):+.1f}% CPU per vote; votes/s {100 * (on[0] / off[0] - 1):+.1f}%")
PY
rm -rf "$out"
