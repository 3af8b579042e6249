#!/usr/bin/env bash
# `make bench-mapping`: the mapping engine's figures (10,000 repositories x
# 200 rules by default; ARGS="--repositories 50000 --rules 500" for more).
# Needs no database; prints, asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. ./.toolchain.env
export PATH="$HOME/.cargo/bin:$PATH"
echo "==> cargo bench -p server --bench mapping (release build)"
cargo bench -p server --bench mapping -- "$@"
