#!/usr/bin/env bash
# Installs what Flagon's tests and examples need on a fresh Debian machine (as root), once.
# Sourced by scripts/test.sh and scripts/run-example.sh; safe to run again.
#
#   - apt: build tools (bench/local.sh installs wrk itself)
#   - a Python venv at .venv with pinned moto (AWS emulator), cfn-lint, aws-sam-translator,
#     awslambdaric (AWS's own Runtime API client) and ziglang (glibc-2.17 cross builds)
#   - cargo-zigbuild
set -euo pipefail

FLAGON_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export FLAGON_ROOT
VENV="$FLAGON_ROOT/.venv"
PY_PINS=(
  "moto[server]==5.2.5"
  "cfn-lint==1.58.0"
  "aws-sam-translator==1.115.0"
  "awslambdaric==4.2.2"
  "ziglang==0.17.1"
)

if ! command -v cargo >/dev/null && [ ! -x "$HOME/.cargo/bin/cargo" ]; then
  echo "error: Rust is not installed: install it with rustup (https://rustup.rs), then run this again" >&2
  exit 1
fi

need_apt=()
command -v cc >/dev/null || need_apt+=(build-essential)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
command -v python3 >/dev/null || need_apt+=(python3 python3-venv)
command -v curl >/dev/null || need_apt+=(curl)
command -v unzip >/dev/null || need_apt+=(unzip)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

stamp="$VENV/.pins-$(printf '%s\n' "${PY_PINS[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "==> python venv $VENV: ${PY_PINS[*]}"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q "${PY_PINS[@]}"
  touch "$stamp"
fi
export PATH="$VENV/bin:$HOME/.cargo/bin:$PATH"

if ! command -v cargo-zigbuild >/dev/null; then
  echo "==> cargo install cargo-zigbuild"
  cargo install --locked -q cargo-zigbuild
fi
