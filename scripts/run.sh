#!/usr/bin/env bash
# Builds and serves Tenantry on the embedded default: SQLite files under
# data/, base domain localhost. Open http://localhost:3000 and sign up.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# shellcheck disable=SC1091
. ./.toolchain.env
export PATH="$HOME/.cargo/bin:$PATH"
export TENANTRY_LISTEN="${TENANTRY_LISTEN:-127.0.0.1:3000}"
echo "==> building and serving Tenantry: open http://localhost:${TENANTRY_LISTEN##*:}/"
# --split: every page is its own wasm chunk (app/src/pages/mod.rs); a build
# without it cannot hydrate.
# shellcheck disable=SC2086
exec cargo leptos serve --split ${TENANTRY_LEPTOS_ARGS:-}
