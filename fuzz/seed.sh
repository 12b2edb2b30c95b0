#!/usr/bin/env bash
# Fills fuzz/seeds/<target>/ from vectors/ and policies/ (committed). Run after the vectors
# change. The public conformance vectors are added to the git-ignored fuzz/corpus/ at run
# time by .ci/run, never committed. fuzz/seeds/import_wallet/ holds small wallet files
# written by hand (one per format import reads) and is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(parse_request parse_psbt verify_request parse_policy parse_intent parse_call)
for t in "${targets[@]}"; do rm -rf "fuzz/seeds/$t" && mkdir -p "fuzz/seeds/$t"; done
n=0
for dir in $(find vectors -name expected.json -printf '%h\n' | sort); do
  n=$((n + 1))
  name=$(echo "$dir" | tr '/' '-')
  cp "$dir/request.psbt" "fuzz/seeds/parse_request/$name.b64"
  if [ "$(head -c 5 "$dir/request.psbt" | od -An -tx1 | tr -d ' \n')" = "70736274ff" ]; then
    cp "$dir/request.psbt" "fuzz/seeds/parse_psbt/$name.psbt"   # raw already
  else
    base64 -d "$dir/request.psbt" > "fuzz/seeds/parse_psbt/$name.psbt"
  fi
  cp "fuzz/seeds/parse_psbt/$name.psbt" "fuzz/seeds/verify_request/$name.psbt"
  cp "$dir/intent.json" "fuzz/seeds/parse_intent/$name.json"
done
# Calls to the service: the honest case with its intent as an object and as a string, one
# with previous transactions, and the dmm cases with their intent as an object.
python3 - <<'PY'
import base64, json, pathlib
seeds = pathlib.Path("fuzz/seeds/parse_call")
def call(case, intent_as_text=False, now=True):
    d = pathlib.Path("vectors") / case
    text = (d / "intent.json").read_text()
    body = {"policy": "treasury", "intent": text if intent_as_text else json.loads(text),
            "psbt": base64.b64encode((d / "request.psbt").read_bytes()).decode()}
    prev = d / "prev-tx.hex"
    if prev.is_file():
        body["prev_txs"] = [l.strip() for l in prev.read_text().splitlines() if l.strip()]
    if now:
        body["now"] = json.loads((d / "expected.json").read_text())["now"]
    return json.dumps(body, sort_keys=True)
for case in ["dmm/honest", "dmm/redirected", "dmm/honest-alt", "215-prev-tx-supplied"]:
    name = case.replace("/", "-")
    (seeds / f"{name}.json").write_text(call(case))
(seeds / "dmm-honest-text.json").write_text(call("dmm/honest", intent_as_text=True, now=False))
PY
for f in policies/*.toml vectors/001-*/policy.toml vectors/003-*/policy.toml vectors/005-*/policy.toml vectors/60[1-4]-*/policy.toml vectors/90[1-5]-*/policy.toml vectors/011-*/policy.toml; do
  cp "$f" "fuzz/seeds/parse_policy/$(echo "$f" | tr '/' '-')"
done
echo "seeded from $n vectors"
