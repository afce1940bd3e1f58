#!/usr/bin/env bash
# Cold start of the embedded default: from process start to the first answered request.
# Builds the gateway in Release once, then starts the built dll N times (default 5) on a free port and polls
# /health/live (HTTP up) and then /health/ready (a grain call answered by the co-hosted silo, event log read).
# Prints each run and the medians in milliseconds, with the CPU time the process had used when it first answered
# ready (a figure that stays meaningful when other work shares the cores), and the load average around the runs.
# One Python poller per run (not a curl process every 10 ms) so the measuring costs the shared cores little.
#   usage: bench/coldstart.sh [runs]          the plain Release build (what `dotnet run -c Release` starts)
#          COLDSTART_R2R=1 bench/coldstart.sh  a ReadyToRun publish (linux-x64), the deployment form
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-5}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

if [ "${COLDSTART_R2R:-0}" = 1 ]; then
  dotnet publish src/Actors.Gateway -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/app" -v quiet -nologo >/dev/null
else
  dotnet build src/Actors.Gateway -c Release -o "$out/app" -v quiet -nologo >/dev/null
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

cpu_ms() { awk -v t="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / t)}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# Polls /health/live until it answers 200, then /health/ready until it answers 200; prints both times (ms since $2).
poll() {
  python3 - "$1" "$2" "$3" <<'PY'
import http.client, sys, time
port, start, pid = int(sys.argv[1]), int(sys.argv[2]) / 1000, sys.argv[3]
def ok(path):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", path)
        status = c.getresponse().status
        c.close()
        return status == 200
    except OSError:
        return False
live = None
while time.time() - start < 60:
    try:
        with open(f"/proc/{pid}/stat"):
            pass
    except OSError:
        break  # the process ended
    if live is None and ok("/health/live"):
        live = time.time()
    if live is not None and ok("/health/ready"):
        print(round((live - start) * 1000), round((time.time() - start) * 1000))
        break
    time.sleep(0.01)
PY
}

load_before="$(cut -d' ' -f1 /proc/loadavg)"
live_all=(); ready_all=(); cpu_all=()
for i in $(seq 1 "$runs"); do
  # Ports first: each free_port is a Python start, which must not count in the start-up time.
  port="$(free_port)"; silo_port="$(free_port)"; gateway_port="$(free_port)"
  start="$(now_ms)"
  Orleans__SiloPort="$silo_port" Orleans__GatewayPort="$gateway_port" \
    dotnet "$out/app/Actors.Gateway.dll" --contentRoot "$out/app" --urls "http://127.0.0.1:$port" >"$out/run$i.log" 2>&1 &
  pid=$!
  read -r live ready < <(poll "$port" "$start" "$pid"; echo) || true
  cpu="$(cpu_ms "$pid")"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -z "${ready:-}" ]; then echo "run $i: no answer within 60 s; log:"; cat "$out/run$i.log"; exit 1; fi
  echo "run $i: live ${live} ms, ready ${ready} ms, cpu ${cpu} ms"
  live_all+=("$live"); ready_all+=("$ready"); cpu_all+=("$cpu")
done

echo "median of $runs: live $(printf '%s\n' "${live_all[@]}" | median) ms, ready $(printf '%s\n' "${ready_all[@]}" | median) ms, cpu $(printf '%s\n' "${cpu_all[@]}" | median) ms (load average ${load_before} before, $(cut -d' ' -f1 /proc/loadavg) after)"
