#!/usr/bin/env python3
"""Checks tests/vectors/certificate/certificate-v1.json, certificate-v2.json and
existence-v2.json against docs/spec/qr.md §5, §5.1 and §5.2 on its own: Base45 (written here from RFC 9285), zlib,
CBOR (cbor2), the COSE_Sign1 signature over its Sig_structure (RFC 9052), the ledger
entry rebuilt from the claims (ledger.md §1, or §8.1 for claims version 2); version 1:
its Ed25519 signature, its RFC 9162 inclusion proof and the C2SP checkpoint; version 2:
its commit note (ledger.md §9) and the multiproof (§10.1) of the entry in the commit's
range tree; then that each case fails (or passes) for the reasons it names, and that each file
of a proof of existence is (or is not) the one its certificate attests."""

import base64
import datetime
import hashlib
import json
import sys
import zlib
from pathlib import Path

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HERE = Path(__file__).parent
sha = lambda b: hashlib.sha256(b).digest()
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def unbase45(text):
    d = [B45.index(c) for c in text]  # ValueError outside the alphabet
    out = bytearray()
    for i in range(0, len(d), 3):
        g = d[i : i + 3]
        if len(g) == 3:
            n = g[0] + g[1] * 45 + g[2] * 2025
            if n > 0xFFFF:
                raise ValueError("group out of range")
            out += n.to_bytes(2, "big")
        elif len(g) == 2:
            n = g[0] + g[1] * 45
            if n > 0xFF:
                raise ValueError("group out of range")
            out.append(n)
        else:
            raise ValueError("dangling character")
    return bytes(out)


def holds(key_bytes, sig, msg):
    try:
        Ed25519PublicKey.from_public_bytes(key_bytes).verify(sig, msg)
        return True
    except (InvalidSignature, ValueError):
        return False


def inclusion_root(leaf, index, size, path):
    """RFC 9162 §2.1.3.2: the root the path leads to, or None."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn % 2 == 1 or fn == sn:
            r = sha(b"\x01" + p + r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = sha(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def multiproof_root(size, index, leaf, proof):
    """ledger.md §10.1 for one leaf: the root, or None if the proof is not all used."""
    it = iter(proof)

    def root(lo, hi):
        if not lo <= index < hi:
            return next(it, None)
        if hi - lo == 1:
            return leaf
        k = 1
        while k * 2 < hi - lo:
            k *= 2
        left, right = root(lo, lo + k), root(lo + k, hi)
        if left is None or right is None:
            return None
        return sha(b"\x01" + left + right)

    r = root(0, size)
    return r if next(it, None) is None else None


def rfc3339(ms):
    t = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)


def note_holds(note_text, origin, key):
    """The note's body lines if its one signature is `key`'s under the name `origin`."""
    note, sig_line = note_text.split("\n\n")
    name, blob = sig_line.rstrip("\n").removeprefix("\u2014 ").rsplit(" ", 1)
    blob = base64.b64decode(blob)
    ok = (
        note.split("\n")[0] == origin
        and name == origin
        and blob[:4] == sha(name.encode() + b"\n\x01" + key)[:4]
        and holds(key, blob[4:], (note + "\n").encode())
    )
    return note.split("\n") if ok else None


def check_v2(c):
    """Claims version 2 (qr.md §5.1), after the COSE signature held."""
    assert sorted(c) == [1, 2, 3, 4, 5, 6, 8, 10, 11]
    key = c[4]
    body = {
        "author": key.hex(),
        "kind": "certificate.issue",
        "payload": json.loads(c[8]),
        "seq": c[5],
        "time": rfc3339(c[6]),
        "v": 2,
    }
    text_body = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    entry_hash = sha(text_body.encode())
    lines = note_holds(c[11], c[3], key)
    if lines is None:
        return ["cert-checkpoint"]
    origin, size, root_b64, ext = lines
    tag, start, time, range_root, _set = ext.split(" ")
    assert tag == "tradeseal-commit/v2"
    start, end = int(start), int(size)
    inside = start <= c[5] < end and time == body["time"]
    root = inside and multiproof_root(end - start, c[5] - start, sha(b"\x00" + entry_hash), c[10])
    if not inside or root != base64.b64decode(range_root):
        return ["cert-inclusion"]
    return []


def check(text):
    """The certificate-* codes this text earns, as the spec orders them."""
    if not text.startswith("TSC1:"):
        return ["cert-payload"]
    try:
        sign1 = cbor2.loads(zlib.decompress(unbase45(text[5:])))
    except Exception:
        return ["cert-payload"]
    assert isinstance(sign1, cbor2.CBORTag) and sign1.tag == 18
    protected, unprotected, payload, signature = sign1.value
    header = cbor2.loads(protected)
    assert header[1] == -8 and unprotected == {}
    c = cbor2.loads(payload)
    # Deterministic encoding: the claims re-encode to the same bytes.
    assert cbor2.dumps(c, canonical=True) == payload
    key = c[4]
    assert header[4] == sha(b"tradeseal/v1/label-key\0" + key)[:8]
    sig_structure = cbor2.dumps(["Signature1", protected, b"", payload])
    if not holds(key, signature, sig_structure):
        return ["cert-signature"]
    if c[1] == 2:
        return check_v2(c)
    assert sorted(c) == list(range(1, 12)) and c[1] == 1
    codes = []
    statement = json.loads(c[8])
    body = {
        "author": key.hex(),
        "kind": "certificate.issue",
        "payload": statement,
        "prev": c[7].hex(),
        "seq": c[5],
        "time": None,
        "v": 1,
    }
    ms = c[6]
    t = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    body["time"] = t.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)
    text_body = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    entry_hash = sha(text_body.encode())
    if not holds(key, c[9], b"tradeseal/v1/entry\0" + entry_hash):
        codes.append("cert-entry")
    note, sig_line = c[11].split("\n\n")
    origin, size, root_b64 = note.split("\n")
    name, blob = sig_line.rstrip("\n").removeprefix("\u2014 ").rsplit(" ", 1)
    blob = base64.b64decode(blob)
    checkpoint_ok = (
        origin == c[3]
        and name == origin
        and blob[:4] == sha(name.encode() + b"\n\x01" + key)[:4]
        and holds(key, blob[4:], (note + "\n").encode())
    )
    if not checkpoint_ok:
        codes.append("cert-checkpoint")
    elif inclusion_root(sha(b"\x00" + entry_hash), c[5], int(size), c[10]) != base64.b64decode(root_b64):
        codes.append("cert-inclusion")
    return codes


# `check.py --text TSC1:…`: one certificate's payload, COSE, entry and proof (what a
# test reads from a printed certificate with zbar); its findings' codes, or "ok".
if len(sys.argv) == 3 and sys.argv[1] == "--text":
    codes = check(sys.argv[2].strip())
    print(" ".join(codes) or "ok")
    sys.exit(1 if codes else 0)

for vector in ["certificate-v1.json", "certificate-v2.json", "existence-v2.json"]:
    v = json.loads((HERE / vector).read_text(encoding="utf-8"))
    issuer = v["issuer"]
    assert issuer["kid_hex"] == sha(b"tradeseal/v1/label-key\0" + bytes.fromhex(issuer["public_key"]))[:8].hex()
    cert = v["certificate"]
    assert check(cert["text"]) == []
    claims = cbor2.loads(cbor2.loads(zlib.decompress(unbase45(cert["text"][5:]))).value[2])
    assert claims[4].hex() == issuer["public_key"] and claims[3] == issuer["origin"] and claims[2] == issuer["org"]
    assert claims[8] == cert["statement_text"] and json.loads(claims[8]) == cert["statement"]
    assert json.dumps(cert["statement"], sort_keys=True, separators=(",", ":"), ensure_ascii=False) == claims[8]
    standing = {"trusted": [], "unknown": ["signer-unknown"], "revoked": ["signer-revoked"]}
    for case in v["cases"]:
        crypto = check(case["text"])
        want = case["expect"]["codes"]
        # The issuer's standing is the receiver's to judge; a key it holds no card for is unknown.
        readable = crypto != ["cert-payload"] and crypto != ["cert-signature"]
        if readable:
            key = cbor2.loads(cbor2.loads(zlib.decompress(unbase45(case["text"][5:]))).value[2])[4]
            crypto += standing[case["receiver_trusts_issuer"]] if key.hex() == issuer["public_key"] else ["signer-unknown"]
        assert crypto == want, (case["name"], crypto, want)
        assert (case["expect"]["verdict"] == "failed") == any(c != "signer-unknown" for c in want), case["name"]
    # A proof of existence (qr.md §5.2): a file is the one attested when its SHA-256 and
    # length are the statement's, which the checks above proved signed and recorded.
    for f in v.get("files", []):
        data = base64.b64decode(f["base64"])
        assert hashlib.sha256(data).hexdigest() == f["sha256"], f["name"]
        attested = cert["statement"]["subject"]["file"]
        assert cert["statement"]["type"] == "existence" and "origin" not in cert["statement"]
        proven = f["sha256"] == attested["sha256"] and len(data) == attested["size"]
        assert proven == f["proven"], f["name"]
    print(f"{vector}: payload, COSE, entry and its proof of {len(v['cases'])} cases OK" + (f", {len(v['files'])} files against the attested hash" if "files" in v else ""))
