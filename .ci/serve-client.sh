#!/usr/bin/env bash
# intentguard serve end to end, through examples/client.py: the DMM honest request is
# approved (client exit 0) and the redirected one rejected (exit 1), then SIGTERM stops the
# service with exit 0. Uses the debug binary `cargo test` built (builds nothing); set
# INTENTGUARD to test another. The server is killed if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${INTENTGUARD:-target/debug/intentguard}
[ -x "$bin" ] || { echo "serve-client: $bin is missing; run cargo test first" >&2; exit 1; }

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "serve-client: $*" >&2
  echo "--- server stdout:" >&2; cat "$tmp/stdout" >&2 || true
  echo "--- server stderr:" >&2; cat "$tmp/stderr" >&2 || true
  exit 1
}

mkdir "$tmp/policies"
cp vectors/dmm/honest/policy.toml "$tmp/policies/"
"$bin" serve --policies "$tmp/policies" --listen 127.0.0.1:0 --no-ledger --allow-request-now \
  >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!

# The first line of standard error is {"event":"listening","address":"127.0.0.1:PORT",...}.
port=
for _ in $(seq 100); do
  port=$(head -n 1 "$tmp/stderr" | python3 -c '
import json, sys
line = json.loads(sys.stdin.read() or "{}")
if line.get("event") == "listening":
    print(line["address"].rsplit(":", 1)[1])' 2>/dev/null) || true
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the server exited before listening"
  sleep 0.1
done
[ -n "$port" ] || fail "no \"listening\" line within 10 s"
echo "serving on 127.0.0.1:$port"

for case in honest redirected; do
  want=0
  [ "$case" = redirected ] && want=1
  status=0
  python3 examples/client.py --url "http://127.0.0.1:$port" --policy treasury \
    --intent vectors/dmm/honest/intent.json --now 2024-05-31T02:00:00Z \
    "vectors/dmm/$case/request.psbt" || status=$?
  [ "$status" -eq "$want" ] || fail "expected client exit code $want for $case, got $status"
done

kill -TERM "$pid"
for _ in $(seq 50); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "the server still runs 5 s after SIGTERM"
status=0
wait "$pid" || status=$?
pid=
[ "$status" -eq 0 ] || fail "the server exited $status after SIGTERM, not 0"
echo "stopped on SIGTERM (exit 0)"
