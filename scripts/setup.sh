#!/usr/bin/env bash
# Installs what Tenantry's build needs, skipping whatever is already there,
# and says what it does. Safe to run again. With --test it also prepares the
# test suite: PostgreSQL, Chromium, Node packages for Playwright.
#
# The wasm32 standard library comes from rustup when it can be downloaded
# (route A). Machines that can reach only package registries fall back to
# Debian's Rust with the standard library's source, built for wasm32 with
# -Zbuild-std (route B; see ../shared/TOOLCHAIN.md). The route taken is
# written to .toolchain.env, which scripts/run.sh and scripts/test.sh read.
# TENANTRY_FORCE_ROUTE_B=1 takes route B even where A works, to test it.
set -euo pipefail
cd "$(dirname "$0")/.."

WANT_TEST=0
WANT_BENCH=0
[ "${1:-}" = "--test" ] && WANT_TEST=1
[ "${1:-}" = "--bench" ] && WANT_TEST=1 && WANT_BENCH=1

CARGO_LEPTOS_VERSION=0.3.10
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $APT_UPDATED -eq 0 ]; then
    step "apt-get update"
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  step "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
}

export PATH="$HOME/.cargo/bin:$PATH"

# --- Rust and the wasm32 standard library --------------------------------
route_b() {
  step "wasm32: route B, Debian's Rust with std source (-Zbuild-std)"
  apt_install rustc-web cargo-web rust-web-src lld-22
  if have rustup; then
    rustup toolchain list | grep -q '^debian-web' || rustup toolchain link debian-web /usr
    echo "export RUSTUP_TOOLCHAIN=debian-web" >> .toolchain.env
  fi
  {
    echo "export RUSTC_BOOTSTRAP=1"
    echo "export TENANTRY_LEPTOS_ARGS='--lib-cargo-args=-Zbuild-std=std,panic_abort'"
    echo "export TENANTRY_TOOLCHAIN_ROUTE=B"
  } >> .toolchain.env
}

: > .toolchain.env
if [ "${TENANTRY_FORCE_ROUTE_B:-0}" = "1" ]; then
  route_b
elif have rustup && rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  step "wasm32: route A, rustup target already installed"
  echo "export TENANTRY_TOOLCHAIN_ROUTE=A" >> .toolchain.env
elif have rustup && timeout 180 rustup target add wasm32-unknown-unknown; then
  step "wasm32: route A, rustup target installed"
  echo "export TENANTRY_TOOLCHAIN_ROUTE=A" >> .toolchain.env
else
  route_b
fi
# shellcheck disable=SC1091
. ./.toolchain.env
have cargo || { echo "cargo not found: install Rust (rustup) or Debian's cargo-web" >&2; exit 1; }

# --- cargo tools at pinned versions ---------------------------------------
# Built without LTO: these are developer tools, and fat LTO alone costs
# cargo-leptos 20+ minutes on two cores.
tool_env=(env CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16)
if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
  step "cargo install cargo-leptos $CARGO_LEPTOS_VERSION (takes 10-15 minutes once)"
  # Outside the repository, so a pinned toolchain here does not apply.
  (cd / && "${tool_env[@]}" cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads)
fi
BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $BINDGEN_VERSION\$"; then
  step "cargo install wasm-bindgen-cli $BINDGEN_VERSION"
  # Not --locked: its lock file wants a crate release the registry may lack.
  (cd / && "${tool_env[@]}" cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION")
fi

# --- Node packages: wasm-opt (npm binaryen; Debian's breaks release wasm) ---
if ! have npm; then
  apt_install nodejs npm
fi
if [ ! -x node_modules/.bin/wasm-opt ]; then
  step "npm ci (binaryen's wasm-opt for release builds)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ $WANT_TEST -eq 1 ]; then
  # --- PostgreSQL ---------------------------------------------------------
  if ! (have pg_isready && pg_isready -q -h 127.0.0.1 -p 5432); then
    apt_install postgresql
    cluster=$(ls /etc/postgresql | sort -V | tail -n 1)
    step "starting PostgreSQL $cluster"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$cluster" main start || $SUDO pg_ctlcluster "$cluster" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    if [ -z "${TENANTRY_TEST_PG_URL:-}" ]; then
      # A fresh Debian cluster asks for a password over TCP: give the
      # postgres role one for the tests and use it.
      $SUDO -u postgres psql -q -c "ALTER USER postgres PASSWORD 'postgres'" 2>/dev/null \
        || su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
      echo "export TENANTRY_TEST_PG_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres" >> .toolchain.env
    fi
  fi
  # --- Chromium and Playwright -------------------------------------------
  have chromium || apt_install chromium
  # Again whenever package-lock.json changed since the last install.
  if [ ! -d end2end/node_modules/@playwright/test ] \
    || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    step "npm ci in end2end/ (Playwright; browsers come from Debian)"
    (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
if [ $WANT_BENCH -eq 1 ]; then
  have wrk || apt_install wrk
fi
step "set-up complete (wasm32 route ${TENANTRY_TOOLCHAIN_ROUTE})"
