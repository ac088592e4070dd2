#!/usr/bin/env bash
# Serves the example app (examples/helloworld) with `cargo flagon local` on 127.0.0.1:8000
# on a fresh Debian machine (as root): installs the tools, builds the CLI, then runs it.
# Extra arguments go to `cargo flagon local` (e.g. --port 9000, --api-type http).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$FLAGON_ROOT"

cargo build --locked -q -p cargo-flagon
# `cargo flagon` finds `cargo-flagon` on PATH: use the one just built.
export PATH="$FLAGON_ROOT/target/debug:$PATH"
cd examples/helloworld
echo "==> cargo flagon local (Ctrl-C to stop); try: curl http://127.0.0.1:8000/"
exec cargo flagon local "$@"
