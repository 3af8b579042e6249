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
# Unless TENANTRY_BENCH_PG_URL names a server, the benchmark starts a
# PostgreSQL cluster of its own (port 5498, max_connections 400): stop it after.
trap 'scripts/stop-pg-cluster.sh 5498' EXIT
echo "==> cargo bench -p server --bench engine (release build)"
cargo bench -p server --bench engine -- "$@"
