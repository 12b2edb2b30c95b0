#!/usr/bin/env bash
# The README demo: verifies the honest DMM-style request (APPROVED) and the redirected one
# (REJECTED) with the example treasury policy. Needs only Rust.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --quiet --locked --bin intentguard
for case in honest redirected; do
  echo "\$ intentguard verify --policy policies/treasury.toml --intent vectors/dmm/honest/intent.json \\"
  echo "      --now 2024-05-31T02:00:00Z --no-ledger vectors/dmm/$case/request.psbt"
  status=0
  ./target/debug/intentguard verify --policy policies/treasury.toml \
    --intent vectors/dmm/honest/intent.json --now 2024-05-31T02:00:00Z --no-ledger \
    "vectors/dmm/$case/request.psbt" || status=$?
  echo "(exit code $status)"
  echo
  want=0
  [ "$case" = redirected ] && want=1
  if [ "$status" -ne "$want" ]; then
    echo "demo: expected exit code $want for $case, got $status" >&2
    exit 1
  fi
done
