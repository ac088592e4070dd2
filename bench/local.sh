#!/usr/bin/env bash
# Benchmarks `cargo flagon local` against `chalice local` on the same hello route, on this
# machine, one run each, with wrk over keep-alive connections. Prints requests/s, p99 and
# the ratio. Targets: Flagon >= 50x Chalice's requests/s, Flagon p99 < 2 ms.
#
#   bench/local.sh                 # 10 s per server, 2 threads, 16 connections
#   DURATION=30s CONNECTIONS=64 bench/local.sh
#
# Installs wrk (apt) and chalice (pip, into ~/.cache/flagon-bench/chalice-venv) when missing. Builds
# cargo-flagon and examples/helloworld in release mode once.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
CHALICE_VERSION="${CHALICE_VERSION:-1.32.0}"
LOGS="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
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
bench() { # name url
  local out
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")"
  echo "$out" >"$LOGS/$1.wrk"
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

echo "==> cargo build --release (cargo-flagon, examples/helloworld)"
# The CLI links the AWS SDK: skip LTO and split codegen so its one release build stays a few
# minutes on a small machine. The app itself gets the workspace's release profile.
CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  cargo build --locked --release -q --manifest-path "$ROOT/Cargo.toml" -p cargo-flagon
CARGO_FLAGON="$ROOT/target/release/cargo-flagon"
# The app, as `local --release` builds it, so that starting the server below is quick.
cargo build --locked --release -q --manifest-path "$ROOT/examples/helloworld/Cargo.toml"

FLAGON_PORT="$(free_port)"
(cd "$ROOT/examples/helloworld" && exec "$CARGO_FLAGON" flagon local --release --port "$FLAGON_PORT" \
  --no-reload --no-schedules --lambda-port 0) >"$LOGS/flagon.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$FLAGON_PORT/" "${PIDS[-1]}" "$LOGS/flagon.log"

CHALICE_PORT="$(free_port)"
(cd "$ROOT/bench/chalice_app" && exec "$VENV/bin/chalice" local --port "$CHALICE_PORT") >"$LOGS/chalice.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$CHALICE_PORT/" "${PIDS[-1]}" "$LOGS/chalice.log"

echo "==> wrk -t$THREADS -c$CONNECTIONS -d$DURATION, keep-alive"
read -r F_RPS F_P99 < <(bench flagon "http://127.0.0.1:$FLAGON_PORT/")
read -r C_RPS C_P99 < <(bench chalice "http://127.0.0.1:$CHALICE_PORT/")

printf '%-16s %12s %10s\n' server "req/s" "p99 (ms)"
printf '%-16s %12s %10s\n' "flagon local" "$F_RPS" "$F_P99"
printf '%-16s %12s %10s\n' "chalice local" "$C_RPS" "$C_P99"
python3 - "$F_RPS" "$C_RPS" "$F_P99" <<'PY'
import sys
f, c, p99 = (float(x) for x in sys.argv[1:])
ratio = f / c if c else float("inf")
print(f"ratio: {ratio:.1f}x (target >= 50x: {'met' if ratio >= 50 else 'NOT met'}); "
      f"flagon p99 {p99:.2f} ms (target < 2 ms: {'met' if p99 < 2 else 'NOT met'})")
PY
echo "wrk outputs and server logs: $LOGS"
