"""Known answers for intent signing (SPEC 1.2), computed independently of intentguard.

    pip install pynacl
    cd tests/data/intent-kat && python3 make_kat.py

The message is b"intentguard/intent/v1\\n" followed by RFC 8785 JCS of the intent without
"approvals". For intents (strings, integers below 2^53, objects, arrays) JCS is exactly
json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False): keys sorted (all ASCII
here, so code-point and UTF-16 order agree), no whitespace, non-ASCII kept as UTF-8, and only
'"', '\\\\' and control characters below U+0020 escaped (\\b \\t \\n \\f \\r, others as
lowercase \\u00xx). The digest is hashlib.sha256 of the message; signatures are PyNaCl
(libsodium) Ed25519 over the message. Writes expected.json and one intent file per case;
tests/integration/ceremony.rs checks intentguard against them. Run by hand; the outputs are committed."""
import hashlib, json
import nacl.signing

def seed(name):
    return hashlib.sha256(f"intentguard kat approver {name}".encode()).digest()

SEEDS = {
    # SPEC 1.2's test vector.
    "alice": bytes.fromhex("862709f542de0d6310fbc032cb6ba0f4d30bd90793a2549360e06855495ebb9f"),
    "carol": seed("carol"),
    "dave": seed("dave"),
}

CASES = [
    ("spec-1.2", ["alice"], {
        "version": 1, "id": "ops-2024-05-31-0001", "wallet": "treasury", "network": "bitcoin",
        "payments": [{"address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                      "amount_sat": 450290000000,
                      "memo": "OTC \"Q2\" Überweisung\t€ 🔒 a\\b"}],
        "max_fee_sat": 40000,
        "created_at": "2024-05-31T01:00:00Z", "expires_at": "2024-05-31T13:00:00Z"}),
    # Non-ASCII in three UTF-8 lengths and an astral character, every escape JCS makes
    # (quote, backslash, \b \t \n \f \r, ESC and U+001F as \u00xx) and characters it must
    # not escape (DEL, U+2028, U+00A0, '/'); no max_fee_sat; a payment without memo; the
    # largest amount; an id with every punctuation allowed.
    ("memo-escapes", ["carol", "dave"], {
        "version": 1, "id": "KAT:memo.escapes_2-b", "wallet": "vault", "network": "testnet",
        "payments": [
            {"address": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "amount_sat": 125000,
             "memo": "Zahlung für Lieferung №42 — 日本語 😀 \"quoted\" back\\slash\b\t\n\f\r"
                     "\u001b[31mESC\u001f US\u007f DEL\u2028LS\u00a0NBSP a/b"},
            {"address": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
             "amount_sat": 2100000000000000}],
        "created_at": "2024-06-01T00:00:00Z", "expires_at": "2024-06-01T00:30:00Z"}),
]

def jcs(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

expected = {"source": "make_kat.py: Python json + hashlib, PyNaCl " + nacl.__version__, "cases": []}
for name, signers, unsigned in CASES:
    message = b"intentguard/intent/v1\n" + jcs(unsigned)
    digest = hashlib.sha256(message).hexdigest()
    approvals, approvers = [], []
    for who in signers:
        key = nacl.signing.SigningKey(SEEDS[who])
        signature = key.sign(message).signature.hex()
        approvals.append({"approver": who, "signature": signature})
        approvers.append({"name": who, "seed": SEEDS[who].hex(),
                          "public_key": key.verify_key.encode().hex(), "signature": signature})
    intent = dict(unsigned, approvals=approvals)
    files = {"utf8": f"{name}.intent.json", "ascii-escaped": f"{name}.ascii.intent.json"}
    # The same intent twice: non-ASCII literal, and every non-ASCII character as a \\u escape
    # (astral ones as surrogate pairs). Both must give the same message.
    with open(files["utf8"], "w", encoding="utf-8") as f:
        json.dump(intent, f, ensure_ascii=False, indent=2)
        f.write("\n")
    with open(files["ascii-escaped"], "w", encoding="ascii") as f:
        json.dump(intent, f, ensure_ascii=True, indent=2)
        f.write("\n")
    expected["cases"].append({"name": name, "files": sorted(files.values()),
                              "message_hex": message.hex(), "digest": digest,
                              "approvers": approvers})

spec = expected["cases"][0]
assert spec["digest"] == "547963ca69b1c7575f646c6dbb27792036726f75f9b73639f1a5b46d4a15c1e9"
assert spec["approvers"][0]["public_key"] == "76682d3d61423dd81cb7bd635c2110f4d3fd000f7cecd15f9fe1a778fe608d70"
assert spec["approvers"][0]["signature"] == "c9a3ef5053d2bd53ecc484ec1313d9bf086d1c8e4f7b66de7916ddc4ceeadfa27ea60e689a8f558474b522cc31724dbe08854e314e998ea80c57d9c2dfadf70b"
with open("expected.json", "w") as f:
    json.dump(expected, f, indent=2)
    f.write("\n")
for case in expected["cases"]:
    print(case["name"], case["digest"])
