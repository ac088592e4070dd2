#!/usr/bin/env bash
# Runs every Flagon test on a fresh Debian machine (as root): installs the tools, starts
# moto on 127.0.0.1, then fmt, clippy and the whole test suite against one target dir.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$FLAGON_ROOT"

# Tests that need an outside tool fail, rather than skip, when it is missing.
export FLAGON_REQUIRE_TOOLS=1
export CARGO_TERM_COLOR=never

# moto, AWS's API emulator, on a free loopback port for the deploy tests.
MOTO_PORT="${MOTO_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"${TMPDIR:-/tmp}/flagon-moto.log" 2>&1 &
MOTO_PID=$!
trap 'kill $MOTO_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$MOTO_PORT/moto-api/" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS -X POST "http://127.0.0.1:$MOTO_PORT/moto-api/config" \
  -H 'content-type: application/json' -d '{"lambda":{"use_docker":false}}' >/dev/null
export FLAGON_TEST_MOTO_ENDPOINT="http://127.0.0.1:$MOTO_PORT"

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --locked --workspace --all-targets -- -D warnings
echo "==> cargo test"
cargo test --locked --workspace --all-targets
cargo test --locked --workspace --doc
