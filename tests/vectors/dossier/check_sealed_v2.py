#!/usr/bin/env python3
"""Checks tests/vectors/dossier/sealed-v2.json against docs/spec/dossier.md §3, §4.1
and §5.1 on its own (Python's hashlib, base64, json; `cryptography` for Ed25519): the
disclosed leaves and their root (§3), the seal entry as a version 2 body (ledger.md
§8.1), its commit note (ledger.md §9) signed by the card's key, the range multiproof
(ledger.md §10.1), and the TSD2 text rebuilt into that note; then that each altered
copy earns the findings the vector names. Exits non-zero on any difference."""

import base64
import functools
import hashlib
import json
import sys
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HERE = Path(__file__).parent
sha = lambda b: hashlib.sha256(b).digest()


def canonical(v):
    # RFC 8785 for a dossier's values: strings, integers, lists, objects with ASCII keys.
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def holds(key, sig, msg):
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(sig, msg)
        return True
    except (InvalidSignature, ValueError):
        return False


def leaves(v, path=()):
    if isinstance(v, dict) and v:
        for k in v:
            yield from leaves(v[k], path + (k,))
    elif isinstance(v, list) and v:
        for i, x in enumerate(v):
            yield from leaves(x, path + (i,))
    else:
        yield list(path), v


def path_cmp(a, b):
    for x, y in zip(a, b):
        if isinstance(x, int) and isinstance(y, int):
            c = (x > y) - (x < y)
        elif isinstance(x, int):
            c = -1
        elif isinstance(y, int):
            c = 1
        else:
            c = (x.encode() > y.encode()) - (x.encode() < y.encode())
        if c:
            return c
    return (len(a) > len(b)) - (len(a) < len(b))


def mth(hashes):
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return sha(b"\x01" + mth(hashes[:k]) + mth(hashes[k:]))


def multiproof_root(size, index, leaf, proof):
    """ledger.md §10.1 for one leaf; None unless every proof hash is used."""
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
        return None if left is None or right is None else sha(b"\x01" + left + right)

    r = root(0, size)
    return r if next(it, None) is None else None


def fields_root(f):
    """The root and leaf count of the disclosed fields (nothing hidden here), or None
    when a leaf has no salt or a salt is left over."""
    salts = {canonical(p): s for p, s in f["salts"]}
    found = []
    for path, value in leaves(f["dossier"]):
        salt = salts.pop(canonical(path), None)
        if salt is None:
            return None
        found.append((path, hashlib.sha256(canonical([salt, path, value]).encode()).hexdigest()))
    if salts:
        return None
    found.sort(key=functools.cmp_to_key(lambda a, b: path_cmp(a[0], b[0])))
    return mth([sha(b"\x00" + canonical([p, d]).encode()) for p, d in found]).hex(), len(found)


def commit_of(note, origin, key):
    """The commit note's (start, end, time, range root) if its one signature is `key`'s
    under the name `origin` and it is of that ledger; else None."""
    body, sig_line = note.split("\n\n")
    name, blob = sig_line.rstrip("\n").removeprefix("\u2014 ").rsplit(" ", 1)
    blob = base64.b64decode(blob)
    lines = body.split("\n")
    if not (
        len(lines) == 4
        and lines[0] == origin
        and name == origin
        and blob[:4] == sha(name.encode() + b"\n\x01" + key)[:4]
        and holds(key, blob[4:], (body + "\n").encode())
    ):
        return None
    tag, start, time, range_root, _set = lines[3].split(" ")
    assert tag == "tradeseal-commit/v2"
    return int(start), int(lines[1]), time, base64.b64decode(range_root)


def check(f):
    """The seal-* codes a /2 file earns, in the order the spec's steps find them."""
    assert f["format"] == "tradeseal-sealed-dossier/2" and f["hidden"] == []
    s = f["seal"]
    e = s["entry"]
    assert "prev" not in e and "signature" not in e
    key = bytes.fromhex(s["card"]["public_key"])
    assert e["author"] == key.hex()
    codes = []
    body = {"author": e["author"], "kind": e["kind"], "payload": e["payload"],
            "seq": e["seq"], "time": e["time"], "v": 2}
    entry_hash = sha(canonical(body).encode())
    if entry_hash.hex() != e["hash"]:
        codes.append("seal-entry-hash")
    else:
        c = commit_of(s["checkpoint"], s["card"]["origin"], key)
        if c is None:
            codes.append("seal-checkpoint")
        else:
            start, end, time, range_root = c
            inside = start <= e["seq"] < end and time == e["time"]
            proof = [bytes.fromhex(h) for h in e["proof"]]
            if not inside or multiproof_root(end - start, e["seq"] - start, sha(b"\x00" + entry_hash), proof) != range_root:
                codes.append("seal-inclusion")
    got = fields_root(f)
    p = e["payload"]
    if e["kind"] != "dossier.seal" or p["dossier"] != f["dossier"]["id"] or p["version"] != f["dossier"]["version"]:
        codes.append("seal-payload")
    if got is None or got != (p["root"], p["fields"]):
        codes.append("seal-root")
    return codes


def qr_holds(text):
    """TSD2 (§5.1): the note rebuilt from the text verifies under its author."""
    b64 = lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))
    parts = text.split(".")
    assert parts[0] == "TSD2" and len(parts) in (15, 16)
    _, did, version, fields, seq, ms, root, author, origin, start, end, tree, set_, sig, proof = parts[:15]
    payload = {"dossier": did, "fields": int(fields), "root": b64(root).hex(), "version": int(version)}
    if len(parts) == 16:
        payload["supersedes"] = b64(parts[15]).hex()
    ms = int(ms)
    import datetime

    t = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    time = t.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)
    key = b64(author)
    body = {"author": key.hex(), "kind": "dossier.seal", "payload": payload, "seq": int(seq), "time": time, "v": 2}
    leaf = sha(b"\x00" + sha(canonical(body).encode()))
    hashes = [b64(proof[i : i + 43]) for i in range(0, len(proof), 43)]
    start, end, seq = int(start), int(end), int(seq)
    if not start <= seq < end:
        return False
    range_root = multiproof_root(end - start, seq - start, leaf, hashes)
    if range_root is None:
        return False
    name = "tradeseal/" + origin
    note = (f"{name}\n{end}\n{base64.b64encode(b64(tree)).decode()}\n"
            f"tradeseal-commit/v2 {start} {time} {base64.b64encode(range_root).decode()} {set_}\n")
    return holds(key, b64(sig), note.encode())


v = json.loads((HERE / "sealed-v2.json").read_text(encoding="utf-8"))
for case in v["cases"]:
    got = check(case["file"])
    want = [c for c in case["expect"]["codes"] if c.startswith("seal-")]
    assert got == want, (case["name"], got, want)
assert qr_holds(v["qr"]), "the TSD2 text does not verify"
parts = v["qr"].split(".")
for i in (6, 11, 13):
    p = list(parts)
    p[i] = ("B" if p[i][0] == "A" else "A") + p[i][1:]
    assert not qr_holds(".".join(p)), f"TSD2 with part {i} changed still verifies"
print(f"sealed dossier v2 vector: {len(v['cases'])} files and the TSD2 text agree")
