"""Build and sign a request for the treasury wallet with embit and PyNaCl, independently of
rust-bitcoin: the kind of request a black-box suite written with other libraries sends.

    pip install embit==0.8.0 pynacl
    python3 embit_case.py ../../../policies/treasury.toml wsh embit-wsh

prints the intent digest and the unsigned txid (stderr) that tests/integration/interop.rs expects.
Run by hand; the outputs are committed."""
import hashlib, json, sys, tomllib
from embit import bip32, script
from embit.descriptor import Descriptor
from embit.psbt import PSBT, DerivationPath
from embit.transaction import Transaction, TransactionInput, TransactionOutput
import nacl.signing

policy_path, shape, outdir = sys.argv[1], sys.argv[2], sys.argv[3]
pol = tomllib.load(open(policy_path, 'rb'))
desc = Descriptor.from_string(pol['descriptor'])
tag, purpose = {'wsh': ('treasury', 2), 'tr': ('taproot nums', 3)}[shape]
H = 0x80000000
roots = [bip32.HDKey.from_seed(hashlib.sha256(f"intentguard test {tag} cosigner {n}".encode()).digest()) for n in "abc"]
accounts = [r.derive([48 + H, H, H, purpose + H]) for r in roots]

def spk(b, i):
    return desc.derive(i, branch_index=b).script_pubkey()

fund = Transaction(vin=[TransactionInput(hashlib.sha256(b"embit funding").digest(), 0)], vout=[
    TransactionOutput(150_000_000, spk(0, 7)), TransactionOutput(60_000_000, spk(0, 8))])
dest = script.address_to_scriptpubkey("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")
pay, fee = 200_000_000, 15_000
tx = Transaction(vin=[TransactionInput(fund.txid(), 0, sequence=0xfffffffd),
                      TransactionInput(fund.txid(), 1, sequence=0xfffffffd)],
                 vout=[TransactionOutput(pay, dest), TransactionOutput(210_000_000 - pay - fee, spk(1, 9))])
psbt = PSBT(tx)

def derivs(b, i, scope):
    d = desc.derive(i, branch_index=b)
    for r, a in zip(roots, accounts):
        child = a.derive([b, i]).to_public()
        path = DerivationPath(r.my_fingerprint, [48 + H, H, H, purpose + H, b, i])
        if shape == 'wsh':
            scope.bip32_derivations[child.key] = path
        else:
            leaf_hashes = []  # embit fills these when it knows the scripts
            scope.taproot_bip32_derivations[child.key.xonly() if hasattr(child.key, 'xonly') else child.key] = (leaf_hashes, path)
    if shape == 'wsh':
        scope.witness_script = d.witness_script()

for n, (b, i) in enumerate([(0, 7), (0, 8)]):
    inp = psbt.inputs[n]
    inp.witness_utxo = fund.vout[n]
    inp.non_witness_utxo = fund
    derivs(b, i, inp)
derivs(1, 9, psbt.outputs[1])
signed = 0
for r in roots[:2]:
    signed += psbt.sign_with(r)
print("signatures added:", signed, file=sys.stderr)
open(f"{outdir}/request.psbt", "w").write(psbt.to_string() + "\n")

# The intent, signed by alice and bob, JCS by json.dumps (sorted keys, no whitespace, UTF-8).
unsigned = {"version": 1, "id": f"embit-{shape}", "wallet": pol["name"], "network": pol["network"],
            "payments": [{"address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "amount_sat": pay, "memo": "interop ✓"}],
            "max_fee_sat": 20000, "created_at": "2024-05-31T01:00:00Z", "expires_at": "2024-05-31T13:00:00Z"}
message = b"intentguard/intent/v1\n" + json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
seeds = {"alice": bytes.fromhex("862709f542de0d6310fbc032cb6ba0f4d30bd90793a2549360e06855495ebb9f"),
         "bob": hashlib.sha256(b"intentguard test approver bob").digest()}
intent = dict(unsigned)
intent["approvals"] = [{"approver": n, "signature": nacl.signing.SigningKey(s).sign(message).signature.hex()} for n, s in seeds.items()]
json.dump(intent, open(f"{outdir}/intent.json", "w"), ensure_ascii=False, indent=2)
print(hashlib.sha256(message).hexdigest(), tx.txid().hex(), file=sys.stderr)
