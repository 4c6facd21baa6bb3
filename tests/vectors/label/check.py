#!/usr/bin/env python3
"""Checks tests/vectors/label/label-v1.json against docs/spec/qr.md §1 on its own:
the key id, each label's message and Ed25519 signature and URI, and, for each case,
that the URI fails (or passes) the signature check for the reason the case names.
Python's standard library and `cryptography` only."""

import base64
import hashlib
import json
import sys
import urllib.parse
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HERE = Path(__file__).parent
v = json.loads((HERE / "label-v1.json").read_text(encoding="utf-8"))


def b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=")


def unb32(text: str) -> bytes:
    return base64.b32decode(text + "=" * (-len(text) % 8))


pk_bytes = bytes.fromhex(v["issuer"]["public_key"])
key = Ed25519PublicKey.from_public_bytes(pk_bytes)
key_id = b32(hashlib.sha256(b"tradeseal/v1/label-key\0" + pk_bytes).digest()[:8])
assert key_id == v["issuer"]["key_id"], (key_id, v["issuer"]["key_id"])


def parse(uri: str):
    """(gtin, lot, serial, query dict) of a label URI, or None if it is not one."""
    u = urllib.parse.urlsplit(uri)
    segs = u.path.split("/")[1:]
    if "01" not in segs:
        return None
    at = segs.index("01")
    tail = segs[at:]
    if len(tail) != 6 or tail[2] != "10" or tail[4] != "21":
        return None
    q = {}
    for k, val in urllib.parse.parse_qsl(u.query, keep_blank_values=True):
        q.setdefault(k, val)
    return tail[1], urllib.parse.unquote(tail[3]), urllib.parse.unquote(tail[5]), q


def signature_holds(uri: str):
    """True/False for the signature, or a reason it cannot be checked."""
    p = parse(uri)
    if p is None:
        return "not a label"
    gtin, lot, serial, q = p
    if not {"k", "b", "s"} & q.keys():
        return "unsigned"
    try:
        sig = unb32(q["s"])
        kid = q["k"]
        batch = int(q["b"])
    except Exception:
        return "malformed"
    if len(sig) != 64:
        return "malformed"
    if kid != key_id:
        return "unknown key"
    msg = f"tradeseal-label/1\n{gtin}\n{lot}\n{serial}\n{batch}\n".encode()
    try:
        key.verify(sig, msg)
        return True
    except InvalidSignature:
        return False


for lab in v["labels"]:
    msg = f"tradeseal-label/1\n{lab['gtin']}\n{lab['lot']}\n{lab['serial']}\n{lab['batch']}\n"
    assert msg == lab["message"], lab["serial"]
    key.verify(bytes.fromhex(lab["signature"]), msg.encode())
    path = "/01/{}/10/{}/21/{}".format(
        lab["gtin"],
        urllib.parse.quote(lab["lot"], safe="-._~"),
        urllib.parse.quote(lab["serial"], safe="-._~"),
    )
    query = "?k={}&b={}&s={}".format(key_id, lab["batch"], b32(bytes.fromhex(lab["signature"])))
    assert lab["uri"] == "https://id.acme-coffee.example" + path + query, lab["uri"]
    assert signature_holds(lab["uri"]) is True

want = {
    "label-signature": False,
    "label-unknown-key": "unknown key",
    "label-query": "malformed",
    "label-unsigned": "unsigned",
}
for case in v["cases"]:
    got = signature_holds(case["uri"])
    codes = case["expect"]["codes"]
    reason = next((want[c] for c in codes if c in want), True)
    assert got == reason, (case["name"], got, reason)
    if case["receiver_trusts_issuer"] == "revoked":
        assert got is True and "signer-revoked" in codes, case["name"]

print(f"label vectors: {len(v['labels'])} labels and {len(v['cases'])} cases check out")
sys.exit(0)
