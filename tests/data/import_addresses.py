#!/usr/bin/env python3
"""Known-answer addresses for `policy import` (SPEC 1.4) from an independent implementation
(embit, `pip install embit`).

Reads the wallet files of ../shared/realworld-corpus/wallets in place (they are never copied
into this repository), makes each into a descriptor with embit's parser by the file's own
rules (BIP-129: `/**` is the record's path restrictions `/0/*,/1/*`; BIP-388: `@N` is
`keys_info[N]`; Coldcard: `Derivation:` applies to the keys after it, no `Format:` is P2SH;
Caravan: `addressType`, `quorum.requiredSigners`, each key's `xfp` and `bip32Path`; both
sortedmulti), and writes tests/data/import-addresses.json: the first receive (0, 0) and
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


SCRIPTS = {
    "P2WSH": "wsh(sortedmulti({}))",
    "P2SH-P2WSH": "sh(wsh(sortedmulti({})))",
    "P2WSH-P2SH": "sh(wsh(sortedmulti({})))",
    "P2SH": "sh(sortedmulti({}))",
}


def origin(fingerprint, path):
    steps = path.strip().lstrip("m").strip("/")
    steps = steps.replace("h", "'").replace("p", "'")
    return "[" + fingerprint.lower() + ("/" + steps if steps else "") + "]"


def coldcard(text):
    m, script, path, keys = None, "P2SH", None, []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        label, _, value = line.partition(":")
        label, value = label.strip(), value.strip()
        if label.lower() == "policy":
            m = int(value.split()[0])
        elif label.lower() == "format":
            script = value.upper()
        elif label.lower() == "derivation":
            path = value
        elif label.lower() == "name":
            pass
        else:
            keys.append(origin(label, path) + value + "/<0;1>/*")
    return SCRIPTS[script].format(",".join([str(m)] + keys))


def caravan(text):
    wallet = json.loads(text)
    keys = [
        origin(k["xfp"], k["bip32Path"]) + k["xpub"] + "/<0;1>/*"
        for k in wallet["extendedPublicKeys"]
    ]
    m = wallet["quorum"]["requiredSigners"]
    return SCRIPTS[wallet["addressType"]].format(",".join([str(m)] + keys))


FILES = [
    ("bips/bip-0129-descriptor-record.bsms", bsms, "main"),
    ("bips/bip-0388-p2wsh.json", bip388, "main"),
    ("coldcard/export-p2wsh-myself.txt", coldcard, "test"),
    ("coldcard/export-p2sh-p2wsh-myself.txt", coldcard, "test"),
    ("coldcard/export-p2sh-myself.txt", coldcard, "test"),
    ("caravan-coldcard/wc-p2sh-p2wsh_m.txt", coldcard, "main"),
    ("caravan-coldcard/wc-p2sh_m.txt", coldcard, "main"),
    ("caravan/bitcoin-2-of-2-P2WSH_TESTNET.json", caravan, "test"),
    ("caravan/bitcoin-2-of-2-P2SH-P2WSH_MAINNET.json", caravan, "main"),
    ("caravan/bitcoin-2-of-2-P2SH_MAINNET.json", caravan, "main"),
]

out = []
for name, read, network in FILES:
    desc = Descriptor.from_string(read((CORPUS / name).read_text()))
    receive = desc.derive(0, branch_index=0).address(NETWORKS[network])
    change = desc.derive(0, branch_index=1).address(NETWORKS[network])
    out.append({"file": name, "receive_0": receive, "change_0": change})
json.dump({"source": "embit 0.8.0 (PyPI)", "wallets": out}, sys.stdout, indent=1)
print()
