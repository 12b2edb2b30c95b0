#!/usr/bin/env python3
"""Known-answer addresses for `policy import` (SPEC 1.4) from an independent implementation
(embit, `pip install embit`).

Reads the wallet files of ../shared/realworld-corpus/wallets in place (they are never copied
into this repository), makes each into a descriptor with embit's parser by the file's own
rules (BIP-129: `/**` is the record's path restrictions `/0/*,/1/*`; BIP-388: `@N` is
`keys_info[N]`), and writes tests/data/import-addresses.json: the first receive (0, 0) and
change (1, 0) address of each. Run by hand from the repository root:

    python3 tests/data/import_addresses.py > tests/data/import-addresses.json

The JSON is committed and read by tests/integration/import.rs.
"""
import json
import pathlib
import re
import sys

from embit.descriptor import Descriptor
from embit.networks import NETWORKS

CORPUS = pathlib.Path("../shared/realworld-corpus/wallets")


def bsms(text):
    lines = text.splitlines()
    assert lines[0] == "BSMS 1.0" and lines[2] == "/0/*,/1/*", lines
    return lines[1].replace("/**", "/<0;1>/*")


def bip388(text):
    policy = json.loads(text)
    keys = policy["keys_info"]
    template = policy["descriptor_template"].replace("/**", "/<0;1>/*")
    return re.sub(r"@(\d+)", lambda m: keys[int(m.group(1))], template)


FILES = [
    ("bips/bip-0129-descriptor-record.bsms", bsms, "main"),
    ("bips/bip-0388-p2wsh.json", bip388, "main"),
]

out = []
for name, read, network in FILES:
    desc = Descriptor.from_string(read((CORPUS / name).read_text()))
    receive = desc.derive(0, branch_index=0).address(NETWORKS[network])
    change = desc.derive(0, branch_index=1).address(NETWORKS[network])
    out.append({"file": name, "receive_0": receive, "change_0": change})
json.dump({"source": "embit 0.8.0 (PyPI)", "wallets": out}, sys.stdout, indent=1)
print()
