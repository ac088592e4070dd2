#!/usr/bin/env bash
# Runs every Flagon test on a fresh Debian machine (as root): installs the tools (scripts/tools.sh),
# then fmt, clippy and the whole test suite against one target dir.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$FLAGON_ROOT"

# Tests that need an outside tool fail, rather than skip, when it is missing.
export FLAGON_REQUIRE_TOOLS=1
export CARGO_TERM_COLOR=never

# Each deploy test starts its own moto server (from .venv) on a free loopback port, so tests
# run in parallel with no shared AWS state. cargo-zigbuild finds zig through this python.
export CARGO_ZIGBUILD_PYTHON_PATH="$FLAGON_ROOT/.venv/bin/python3"

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --locked --workspace --all-targets -- -D warnings
echo "==> cargo test"
cargo test --locked --workspace --all-targets --no-fail-fast
cargo test --locked --workspace --doc
