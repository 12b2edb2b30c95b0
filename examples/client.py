#!/usr/bin/env python3
"""Asks a running `intentguard serve` whether to sign a PSBT (SPEC 3, POST /v1/verify).

Standard library only. Usage:

    python3 examples/client.py --url http://127.0.0.1:8080 --policy treasury \\
        --intent vectors/dmm/honest/intent.json [--token-file FILE] \\
        [--prev-tx FILE]... [--now 2024-05-31T02:00:00Z] vectors/dmm/honest/request.psbt

The PSBT file's bytes (raw, hex or base64: the service detects which) are sent base64
encoded, the intent file's text as a string, and each --prev-tx file's non-empty lines
as hex transactions (a file of raw bytes is sent as one, hex encoded). The token is the
first line of --token-file that is neither blank nor a # comment; it is never printed.

Exit 0: approved. Exit 1: rejected. Exit 2: anything else (an error answer, a service
that cannot be reached, a file that cannot be read). Anything but 0 means: do not sign.
"""

import argparse
import base64
import http.client
import json
import string
import sys
import urllib.error
import urllib.request

HEX = set(string.hexdigits + string.whitespace)


def safe(text):
    """The service's text with control and bidirectional characters escaped (STYLE R18)."""
    bidi = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    return "".join(
        c.encode("unicode_escape").decode() if not c.isprintable() or c in bidi else c
        for c in str(text)
    )


def read_token(path):
    """The first line that is neither blank nor a comment; errors never show it."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            token = line.strip()
            if token and not token.startswith("#"):
                if not all("!" <= c <= "~" for c in token):
                    raise ValueError(f"{path}: line {number} is not a bearer token")
                return token
    raise ValueError(f"{path} holds no token")


def read_prev_txs(path):
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("ascii", errors="replace")
    if data and set(text) <= HEX:
        return [line.strip() for line in text.splitlines() if line.strip()]
    return [data.hex()]  # one raw transaction


def call(args):
    """Sends the call; returns (HTTP status, decoded JSON answer)."""
    with open(args.psbt, "rb") as f:
        psbt = base64.b64encode(f.read()).decode("ascii")
    with open(args.intent, encoding="utf-8") as f:
        body = {"policy": args.policy, "intent": f.read(), "psbt": psbt}
    prev_txs = [tx for path in args.prev_tx for tx in read_prev_txs(path)]
    if prev_txs:
        body["prev_txs"] = prev_txs
    if args.now:
        body["now"] = args.now
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if args.token_file:
        headers["Authorization"] = "Bearer " + read_token(args.token_file)
    url = args.url.rstrip("/") + "/v1/verify"
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as e:  # 4xx and 5xx: the body says why
        try:
            return e.code, json.load(e)
        except ValueError:
            return e.code, {"error": {"code": f"HTTP_{e.code}", "message": e.reason}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the service, e.g. http://127.0.0.1:8080")
    parser.add_argument("--policy", required=True, help="the policy's name on the service")
    parser.add_argument("--intent", required=True, help="the intent file (JSON)")
    parser.add_argument("--token-file", help="bearer token: its first non-comment line")
    parser.add_argument("--prev-tx", action="append", default=[], help="previous transactions")
    parser.add_argument("--now", help="RFC 3339 time (the service needs --allow-request-now)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds (default 60)")
    parser.add_argument("psbt", help="the PSBT file (raw, hex or base64)")
    args = parser.parse_args()
    try:
        status, answer = call(args)
    except (OSError, ValueError, http.client.HTTPException) as e:  # no file, no service, junk
        print(f"error: {safe(e)}; do not sign", file=sys.stderr)
        return 2
    verdict = answer.get("verdict") if isinstance(answer, dict) else None
    if status != 200 or verdict not in ("approved", "rejected"):
        error = answer.get("error") if isinstance(answer, dict) else None
        if not isinstance(error, dict):
            error = {"code": "UNEXPECTED", "message": f"HTTP {status} without a verdict"}
        print(f"error {status} {safe(error.get('code'))}: {safe(error.get('message'))}",
              file=sys.stderr)
        return 2
    print(f"{verdict.upper()}  txid {safe(answer.get('txid'))}")
    findings = answer.get("findings") or []
    for finding in findings:
        print(f"  {safe(finding.get('code'))}: {safe(finding.get('message'))}")
    print("sign" if verdict == "approved" else "do not sign")
    return 0 if verdict == "approved" else 1


if __name__ == "__main__":
    sys.exit(main())
