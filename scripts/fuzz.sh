#!/usr/bin/env bash
# Fuzz smoke run: each cargo-fuzz target in app/fuzz for FUZZ_SECONDS
# (default 20) with rustup's nightly toolchain. Fails on any crash. For a
# long run see app/fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
SECONDS_EACH="${FUZZ_SECONDS:-20}"
CARGO_FUZZ_VERSION=0.13.2

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "==> rustup toolchain install nightly (for cargo fuzz)"
  if ! timeout 300 rustup toolchain install nightly --profile minimal; then
    echo "WARNING: no nightly Rust toolchain and none can be installed here:" >&2
    echo "WARNING: the fuzz smoke run is SKIPPED (everything else was tested)." >&2
    exit 0
  fi
fi
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  echo "==> cargo install cargo-fuzz $CARGO_FUZZ_VERSION"
  (cd / && cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked)
fi

cd app
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in host_parser slug_validation; do
  echo "==> cargo fuzz run $target for ${SECONDS_EACH}s"
  status=0
  cargo +nightly fuzz run "$target" -- -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$log"
    echo "cargo fuzz run $target failed (exit $status): see app/fuzz/artifacts/$target/" >&2
    exit "$status"
  fi
  grep -E '^(Done |stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
done
