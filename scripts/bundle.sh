#!/usr/bin/env bash
# `make bundle`: what the browser downloads for the first page of each
# route, from a release build of the front end (`cargo leptos build
# --release --split`): the shared wasm and JS plus the page's own chunks,
# raw and with brotli (quality 11). Prints, asserts nothing; the figures are
# in BENCHMARKS.md ("The hydrate bundle").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# shellcheck disable=SC1091
. ./.toolchain.env
export PATH="$HOME/.cargo/bin:$PATH"
if ! /usr/bin/python3 -c 'import brotli' 2>/dev/null; then
  echo "==> installing python3-brotli (to measure compressed sizes)"
  apt-get install -y -q python3-brotli >/dev/null
fi
echo "==> cargo leptos build --release --split --precompress --frontend-only"
# shellcheck disable=SC2086
cargo leptos build --release --split --precompress --frontend-only ${TENANTRY_LEPTOS_ARGS:-}
/usr/bin/python3 scripts/bundle-report.py target/site/pkg app/src/pages/mod.rs
