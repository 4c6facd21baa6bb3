#!/usr/bin/env python3
"""Checks tests/vectors/ledger/v1.json independently of the Rust code: bodies hash to
the entry hashes, entries link, leaf hashes and the RFC 9162 root, the signed messages,
and every Ed25519 signature and the checkpoint note (with the `cryptography` package;
without it the check fails)."""
import base64, hashlib, json, os, sys

doc = json.load(open(os.path.join(os.path.dirname(__file__), "v1.json"), encoding="utf-8"))
sha = lambda b: hashlib.sha256(b).digest()
prev = "00" * 32
leaves = []
for i, e in enumerate(doc["entries"]):
    body = json.loads(e["body"])
    # The body is canonical: re-serialising with sorted keys and no spaces gives the same text.
    assert e["body"] == json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False), i
    assert body["seq"] == i and body["v"] == 1 and body["prev"] == prev and body["author"] == doc["public_key"], i
    h = sha(e["body"].encode())
    assert h.hex() == e["entry_hash"], i
    assert e["signed_message_hex"] == (b"tradeseal/v1/entry\x00" + h).hex(), i
    leaf = sha(b"\x00" + h)
    assert leaf.hex() == e["leaf_hash"], i
    leaves.append(leaf)
    prev = h.hex()

def mth(ls):
    if len(ls) == 1:
        return ls[0]
    k = 1
    while k * 2 < len(ls):
        k *= 2
    return sha(b"\x01" + mth(ls[:k]) + mth(ls[k:]))

root = mth(leaves)
assert root.hex() == doc["root"]
text, sig_line = doc["checkpoint"].split("\n\n")
text += "\n"
assert text == f'{doc["origin"]}\n{len(leaves)}\n{base64.b64encode(root).decode()}\n'
pk = bytes.fromhex(doc["public_key"])
name, blob = sig_line.rstrip("\n").removeprefix("\u2014 ").rsplit(" ", 1)
blob = base64.b64decode(blob)
assert name == doc["origin"] and blob[:4] == sha(name.encode() + b"\n\x01" + pk)[:4]
assert doc["origin"] == "tradeseal/" + sha(b"tradeseal/v1/origin\x00" + pk)[:8].hex()
try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
except ImportError:
    # A check that cannot run must not pass: the signatures are half of what it checks.
    print("ledger vectors: cannot check the Ed25519 signatures: the `cryptography` package is missing (pip install cryptography)", file=sys.stderr)
    sys.exit(1)
key = Ed25519PublicKey.from_public_bytes(pk)
assert Ed25519PrivateKey.from_private_bytes(bytes.fromhex(doc["seed_hex"])).public_key().public_bytes_raw() == pk
for e in doc["entries"]:
    key.verify(bytes.fromhex(e["signature"]), bytes.fromhex(e["signed_message_hex"]))
key.verify(blob[4:], text.encode())
print("ledger vectors: hashes, links, tree, checkpoint and all signatures OK")
