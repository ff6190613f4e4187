#!/usr/bin/env bash
# Fuzzes lis-sheets' `read` target for ${1:-30} seconds on the stable toolchain (no sanitizer, so no nightly), over
# the seed corpus copied into fuzz/corpus/read (which keeps what earlier runs found). Installs cargo-fuzz if it is
# missing. Exits non-zero on a crash; the crashing input is left in fuzz/artifacts/read/: fix the bug, then copy the
# input into fuzz/seeds/ so that tests/fuzz_seeds.rs replays it on every build.
set -euo pipefail

seconds="${1:-30}"
cd "$(dirname "$0")"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

corpus="corpus/read"
mkdir -p "$corpus"
cp seeds/* "$corpus"/

cargo fuzz run read --sanitizer none "$corpus" -- -max_total_time="$seconds"
