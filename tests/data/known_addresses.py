#!/usr/bin/env python3
"""Known-answer addresses from an independent implementation (embit, `pip install embit`).

Reads descriptors (one `descriptor|network` per line) on stdin and writes
tests/data/known-addresses.json with the addresses embit derives at a few (branch, index).
Run by hand; the JSON is committed and read by tests/known_addresses.rs.
"""
import json
import sys

from embit.descriptor import Descriptor
from embit.networks import NETWORKS

NET = {"bitcoin": "main", "testnet": "test", "regtest": "regtest"}
out = []
for line in sys.stdin:
    text, network = line.strip().rsplit("|", 1)
    desc = Descriptor.from_string(text)
    for branch, index in [(0, 0), (0, 4), (1, 2), (1, 100000)]:
        addr = desc.derive(index, branch_index=branch).address(NETWORKS[NET[network]])
        out.append({"descriptor": text, "network": network, "branch": branch, "index": index, "address": addr})
json.dump({"source": "embit 0.8.0 (PyPI)", "addresses": out}, sys.stdout, indent=1)
print()
