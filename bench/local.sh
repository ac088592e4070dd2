#!/usr/bin/env bash
# Benchmarks `cargo flagon local` against `chalice local` on the same hello route, on this
# machine, with wrk over keep-alive connections, at several connection counts: 16, 10 (wrk's
# own default) and 4.
#
# The ratio depends on the connection count. Chalice's local server takes about 44 ms per
# keep-alive request whatever the load, so its requests/s grow with the connections (91 at 4,
# 340 at 16), while Flagon is bound by the CPU: about 100 us per request for the gateway and
# the instance together, most of it the kernel's loopback TCP for the Runtime API's messages.
# So the ratio falls as connections rise. Every run is printed with its own verdict.
# The load average at the start is printed too; the numbers are only comparable at a similar load.
#
# Targets: Flagon >= 50x Chalice's requests/s, Flagon p99 < 2 ms.
#
#   bench/local.sh                          # 10 s per run, 2 wrk threads, 16, 10 and 4 connections
#   DURATION=30s CONNECTIONS="64 16" bench/local.sh
#   CARGO_FLAGON=/tmp/old/cargo-flagon bench/local.sh   # an already built CLI (before/after)
#
# Installs wrk (apt) and chalice (pip, into ~/.cache/flagon-bench/chalice-venv) when missing. Builds
# cargo-flagon and examples/helloworld in release mode once.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16 10 4}"
CHALICE_VERSION="${CHALICE_VERSION:-1.32.0}"
LOGS="$(mktemp -d)"
PIDS=()
cleanup() {
  # Each server leads its own process group (setsid below): `chalice local` runs the app in
  # a child process that outlives a kill of the parent alone.
  for pid in "${PIDS[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_for() { # url pid log
  for _ in $(seq 1500); do
    curl -fsS "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "server exited; its log:" >&2; cat "$3" >&2; exit 1; }
    sleep 0.2
  done
  echo "server at $1 did not answer; its log:" >&2; cat "$3" >&2; exit 1
}

# wrk's "Requests/sec" and the 99th percentile (converted to ms).
bench() { # name url connections
  local out threads=$((THREADS < $3 ? THREADS : $3))
  out="$(wrk -t"$threads" -c"$3" -d"$DURATION" --latency "$2")"
  echo "$out" >"$LOGS/$1-c$3.wrk"
  local rps p99
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")"
  local errors
  errors="$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")"
  [ -n "$errors" ] && echo "$1: $errors" >&2
  echo "$rps $p99"
}

if ! command -v wrk >/dev/null; then
  echo "==> apt-get install wrk"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

VENV="${XDG_CACHE_HOME:-$HOME/.cache}/flagon-bench/chalice-venv"
if [ ! -x "$VENV/bin/chalice" ]; then
  echo "==> pip install chalice==$CHALICE_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "chalice==$CHALICE_VERSION"
fi

LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
if [ -z "${CARGO_FLAGON:-}" ]; then
  echo "==> cargo build --release (cargo-flagon)"
  # The CLI links the AWS SDK: skip LTO and split codegen so its one release build stays a few
  # minutes on a small machine. The app itself gets the workspace's release profile.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo build --locked --release -q --manifest-path "$ROOT/Cargo.toml" -p cargo-flagon
  CARGO_FLAGON="$ROOT/target/release/cargo-flagon"
fi
echo "==> cargo build --release (examples/helloworld)"
# The app, as `local --release` builds it, so that starting the server below is quick.
cargo build --locked --release -q --manifest-path "$ROOT/examples/helloworld/Cargo.toml"

FLAGON_PORT="$(free_port)"
(cd "$ROOT/examples/helloworld" && exec setsid "$CARGO_FLAGON" flagon local --release --port "$FLAGON_PORT" \
  --no-reload --no-schedules --lambda-port 0) >"$LOGS/flagon.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$FLAGON_PORT/" "${PIDS[-1]}" "$LOGS/flagon.log"

CHALICE_PORT="$(free_port)"
(cd "$ROOT/bench/chalice_app" && exec setsid "$VENV/bin/chalice" local --port "$CHALICE_PORT") >"$LOGS/chalice.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$CHALICE_PORT/" "${PIDS[-1]}" "$LOGS/chalice.log"

echo "==> wrk -d$DURATION, keep-alive; load average at start: $LOAD_AT_START ($(nproc) cores)"
RESULTS="$LOGS/results"
for c in $CONNECTIONS; do
  # A short warm-up, so that every instance the run needs is started and the first
  # requests of the measured run do not pay cold starts.
  wrk -t1 -c"$c" -d2s "http://127.0.0.1:$FLAGON_PORT/" >/dev/null
  read -r F_RPS F_P99 < <(bench flagon "http://127.0.0.1:$FLAGON_PORT/" "$c")
  read -r C_RPS C_P99 < <(bench chalice "http://127.0.0.1:$CHALICE_PORT/" "$c")
  echo "$c $F_RPS $F_P99 $C_RPS $C_P99" >>"$RESULTS"
done

python3 - "$RESULTS" <<'PY'
import sys
print(f"{'connections':>11} {'flagon req/s':>13} {'p99 ms':>7} {'chalice req/s':>14} {'p99 ms':>7} {'ratio':>7}")
met, missed = [], []
for line in open(sys.argv[1]):
    c, f, fp, ch, cp = line.split()
    f, fp, ch, cp = float(f), float(fp), float(ch), float(cp)
    ratio = f / ch if ch else float("inf")
    print(f"{c:>11} {f:>13.0f} {fp:>7.2f} {ch:>14.0f} {cp:>7.2f} {ratio:>6.1f}x")
    ok_ratio, ok_p99 = ratio >= 50, fp < 2
    (met if ok_ratio and ok_p99 else missed).append(c)
    print(f"{'':>11} target ratio >= 50x: {'met' if ok_ratio else 'NOT met'}; "
          f"target flagon p99 < 2 ms: {'met' if ok_p99 else 'NOT met'}")
summary = []
if met:
    summary.append(f"targets met at {', '.join(met)} connections")
if missed:
    summary.append(f"NOT met at {', '.join(missed)} connections")
print("; ".join(summary))
PY
echo "wrk outputs and server logs: $LOGS"
