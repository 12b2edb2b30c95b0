#!/usr/bin/env bash
# Fills fuzz/seeds/<target>/ from vectors/ and policies/ (committed). Run after the vectors
# change. The public conformance vectors are added to the git-ignored fuzz/corpus/ at run
# time by .ci/run, never committed. fuzz/seeds/import_wallet/ holds small wallet files
# written by hand (one per format import reads) and is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(parse_request parse_psbt verify_request parse_policy parse_intent)
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
for f in policies/*.toml vectors/001-*/policy.toml vectors/003-*/policy.toml vectors/005-*/policy.toml vectors/60[1-4]-*/policy.toml vectors/90[1-5]-*/policy.toml vectors/011-*/policy.toml; do
  cp "$f" "fuzz/seeds/parse_policy/$(echo "$f" | tr '/' '-')"
done
echo "seeded from $n vectors"
