#!/usr/bin/env bash
# The tenancy engine's benchmark: provisioning, migrate-all, the tenant page
# under load (wrk), memory and connections. Prints figures; see BENCHMARKS.md.
# Arguments go to the benchmark, e.g. `scripts/bench.sh --tenants 1000`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --bench
# shellcheck disable=SC1091
. ./.toolchain.env
export PATH="$HOME/.cargo/bin:$PATH"
echo "==> cargo bench -p server --bench engine (release build)"
cargo bench -p server --bench engine -- "$@"
