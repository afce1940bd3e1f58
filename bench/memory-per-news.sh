#!/usr/bin/env bash
# Managed heap growth per news in memory mode: starts a gateway the way README's Performance section does, submits news
# through /api/submit (each with its author's automatic up-vote, as in Lamernews), and after each step takes the live
# heap after a full blocking GC (dotnet-gcdump induces one; the runtime's figures for it give the live bytes, the dump's
# report where they are).
#   usage: bench/memory-per-news.sh [steps] [idle seconds] [users]
#     steps         comma-separated totals of news to submit, after 1,000 warm-up news (default 20000,50000)
#     idle seconds  after the last step, wait this long and measure again: cold grains have left by then (default 0)
#     users         authors, submitting in turn (default 100)
# Prints, per step, the live heap, its growth per news since the warm-up (per news submitted after it), the
# activations by grain type, and the 25 largest types (bytes, count; the report gives one size per type, so the bytes of
# strings and arrays, whose objects differ in size, are rough).
# Needs the .NET SDK, python3, curl and dotnet-gcdump (`dotnet tool install -g dotnet-gcdump`).
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-20000,50000}"; idle="${2:-0}"; users="${3:-100}"
gcdump="$(command -v dotnet-gcdump || echo "$HOME/.dotnet/tools/dotnet-gcdump")"
[ -x "$gcdump" ] || { echo "dotnet-gcdump not found: dotnet tool install -g dotnet-gcdump"; exit 1; }
out="$(mktemp -d)"; gateway_pid=""
cleanup() { [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

gw_dir="${GATEWAY_DIR:-$PWD/src/Actors.Gateway/bin/Release/net10.0}" # GATEWAY_DIR: another build (A/B runs)
[ -f "$gw_dir/Actors.Gateway.dll" ] || dotnet build src/Actors.Gateway -c Release -v q -nologo >/dev/null
port="$(free_port)"; url="http://127.0.0.1:$port"
News__UserCreationDelaySeconds=0 Users__PasswordHashIterations=1000 News__UserInitialKarma=1000000 \
News__NewsSubmissionBreakSeconds=0 dotnet "$gw_dir/Actors.Gateway.dll" --contentRoot "$gw_dir" --urls "$url" \
  >"$out/gateway.log" 2>&1 &
gateway_pid=$!
for _ in $(seq 1 600); do curl -fs "$url/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
tag="$(( $(date +%s) % 100000 ))"

# Live heap after a full GC, in bytes: dotnet-gcdump induces a blocking collection, and the runtime's own figures
# for it (heap size less fragmentation, all generations, from /metrics) are the live bytes; the dump's report is kept
# for the type table (on this runtime the dump may miss objects of large heaps, so its total is printed beside).
live_heap() {
  "$gcdump" collect -p "$gateway_pid" -o "$out/heap.gcdump" >/dev/null 2>&1
  curl -fs "$url/metrics" | awk '/^dotnet_gc_last_collection_heap_size_bytes\{/ { live += $NF }
    /^dotnet_gc_last_collection_heap_fragmentation_size_bytes\{/ { live -= $NF } END { printf "%d\n", live }'
  "$gcdump" report "$out/heap.gcdump" >"$out/heap.txt"
}

dump_total() { awk '/GC Heap bytes/ { gsub(",", "", $1); print $1; exit }' "$out/heap.txt"; }

# The report lists each type's object size and count (large arrays in size buckets): bytes = size x count, summed per type.
largest_types() {
  python3 - "$out/heap.txt" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r'\s*([\d,]+)\s+([\d,]+)\s+(.*?)(\s+\(Bytes > \w+\))?\s+\[', line)
    if m:
        size, count = int(m[1].replace(',', '')), int(m[2].replace(',', ''))
        b, c = rows.get(m[3], (0, 0)); rows[m[3]] = (b + size * count, c + count)
for t, (b, c) in sorted(rows.items(), key=lambda kv: -kv[1][0])[:25]:
    print(f"   {b:>12,} {c:>9,}  {t[:120]}")
PY
}

activations() {
  curl -fs "$url/metrics" | awk -F'[{}]' '/^orleans_grains\{/ { split($2, a, "grain_type=\""); sub("\".*", "", a[2]); n = $3 + 0; if (n > 50) printf "%s=%d ", a[2], n } END { print "" }'
}

measure() {
  sleep 3 # stream delivery (ms) and request tails settle
  local heap; heap="$(live_heap)"
  echo "$heap"
}

python3 bench/submit-news.py 127.0.0.1 "$port" 1000 "$users" "$tag" w >/dev/null
base="$(measure)"; base_dump="$(dump_total)"
echo "== warm-up: 1,000 news by $users users; live heap $((base / 1024)) KB (dump: $((base_dump / 1024)) KB); activations: $(activations)"
done_news=0
for total in ${steps//,/ }; do
  started=$(date +%s.%N)
  python3 bench/submit-news.py 127.0.0.1 "$port" "$((total - done_news))" "$users" "$tag" "s$total" | sed 's/^/   /'
  rate=$(python3 -c "print(round(($total - $done_news) / ($(date +%s.%N) - $started)))")
  done_news="$total"
  heap="$(measure)"
  dump="$(dump_total)"
  echo "== $total news (+ warm-up), ${rate}/s: live heap $((heap / 1024)) KB, growth $(( (heap - base) / total )) bytes per news (dump: $(( (dump - base_dump) / total )))"
  echo "   activations: $(activations)"
  largest_types
done
if [ "$idle" -gt 0 ]; then
  sleep "$idle"
  heap="$(measure)"
  dump="$(dump_total)"
  echo "== after $idle s idle: live heap $((heap / 1024)) KB, growth $(( (heap - base) / done_news )) bytes per news (dump: $(( (dump - base_dump) / done_news )))"
  echo "   activations: $(activations)"
  largest_types
fi
