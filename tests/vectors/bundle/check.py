#!/usr/bin/env python3
"""Checks TradeSeal provenance bundles (docs/spec/bundle.md) independently of the Rust
code, with the Python standard library and `cryptography` (Ed25519): framing and the end
record's digest, canonical lines, record order, cards (fingerprint-free checks: the
origin derived from the key), checkpoint notes and their signatures, entry bodies
rebuilt and hashed, hash links, entry signatures and RFC 9162 inclusion proofs.

It does not judge trust or the supply chain (custody, quantities): those need the
receiver's trust store and GS1 semantics. So a file whose problem is there (a custody
gap) passes here, and the Rust verifier calls it incomplete, not failed.

Usage: check.py FILE... Prints `FILE: ok` or `FILE: <code>: <why>` (the first problem,
with the finding code of docs/spec/findings.md); exits 1 if any file has a problem.
`check.py --vectors` checks every file of this folder against the code in its name."""
import base64, hashlib, json, os, sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

sha = lambda b: hashlib.sha256(b).digest()


class Problem(Exception):
    def __init__(self, code, why):
        super().__init__(f"{code}: {why}")
        self.code = code


def canonical(obj):
    # RFC 8785 for what bundles hold (strings, integers, objects, arrays, booleans).
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def leaf(h):
    return sha(b"\x00" + h)


def node(a, b):
    return sha(b"\x01" + a + b)


def root_from_inclusion(index, size, leaf_hash, path):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        raise Problem("inclusion-proof", "leaf index beyond the tree size")
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            raise Problem("inclusion-proof", "the proof is too long")
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Problem("inclusion-proof", "the proof is too short")
    return r


def verify(key_hex, sig, msg, code, why):
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex)).verify(sig, msg)
    except (InvalidSignature, ValueError):
        raise Problem(code, why)


def check(data):
    if not data.endswith(b"\n"):
        raise Problem("truncated", "the file does not end with a newline")
    raw_lines = data.split(b"\n")[:-1]
    try:
        lines = [l.decode("utf-8") for l in raw_lines]
    except UnicodeDecodeError:
        raise Problem("not-utf8", "a line is not UTF-8")
    records = []
    for i, l in enumerate(lines):
        try:
            r = json.loads(l)
        except (ValueError, RecursionError):
            raise Problem("malformed", f"line {i + 1} is not JSON")
        if isinstance(r, dict) and r.get("type") == "end" and i != len(lines) - 1:
            raise Problem("trailing-data", "lines after the end record")
        if not isinstance(r, dict) or "type" not in r:
            raise Problem("malformed", f"line {i + 1} is not a record")
        if canonical(r) != l:
            raise Problem("not-canonical", f"line {i + 1} is not canonical JSON")
        records.append(r)
    if not records or records[-1]["type"] != "end":
        raise Problem("truncated", "no end record")
    end = records[-1]
    before = b"".join(l + b"\n" for l in raw_lines[:-1])
    if end["records"] != len(records) - 1 or end["sha256"] != sha(before).hex():
        raise Problem("digest-mismatch", "the end record does not match the lines before it")
    order = {"header": 0, "card": 1, "checkpoint": 2, "consistency": 3, "entry": 4}
    ranks = [order.get(r["type"]) for r in records[:-1]]
    if None in ranks:
        raise Problem("unknown-record", "a record type v1 does not have")
    if ranks != sorted(ranks) or ranks[:1] != [0] or ranks.count(0) != 1:
        raise Problem("record-order", "records out of order")
    header = records[0]
    if header.get("format") != "tradeseal-bundle/v1":
        raise Problem("bundle-format", "not tradeseal-bundle/v1")

    cards = {}
    for r in records:
        if r["type"] != "card":
            continue
        c = r["card"]
        pk = bytes.fromhex(c["public_key"])
        derived = "tradeseal/" + sha(b"tradeseal/v1/origin\x00" + pk)[:8].hex()
        # A successor key's card names its ledger's first origin: allowed only with a
        # key.rotate entry naming it (the Rust verifier checks the hand-over).
        rotated = any(
            e["type"] == "entry" and e["entry_kind"] == "key.rotate" and c["public_key"] in json.dumps(e["payload"])
            for e in records
        )
        if c["origin"] != derived and not rotated:
            raise Problem("card-altered", f"the card of {c['org']} names an origin its key does not derive")
        if c["public_key"] in cards:
            raise Problem("duplicate-record", "a card twice")
        cards[c["public_key"]] = c

    roots = {}  # (origin, size) -> root
    for r in records:
        if r["type"] != "checkpoint":
            continue
        if r["key"] not in cards:
            raise Problem("unknown-author", "a checkpoint by a key without a card")
        text, sig_line = r["note"].split("\n\n", 1)
        origin, size, root_b64 = text.split("\n")
        name, blob = sig_line.rstrip("\n").removeprefix("\u2014 ").rsplit(" ", 1)
        blob = base64.b64decode(blob)
        pk = bytes.fromhex(r["key"])
        if name != origin or blob[:4] != sha(name.encode() + b"\n\x01" + pk)[:4]:
            raise Problem("checkpoint-signature", "the note's key id is not its key's")
        verify(r["key"], blob[4:], (text + "\n").encode(), "checkpoint-signature", "the checkpoint note's signature does not verify")
        root = base64.b64decode(root_b64)
        prior = roots.get((origin, int(size)))
        if prior is not None and prior != root:
            raise Problem("equivocation", f"two checkpoints of {origin} at size {size} with different roots")
        roots[(origin, int(size))] = root

    keys = [(cards[r["author"]]["origin"], r["seq"]) for r in records if r["type"] == "entry" and r["author"] in cards]
    if any(a >= b for a, b in zip(keys, keys[1:])):
        raise Problem("record-order", "entries not sorted by ledger origin and seq, or one repeated")
    last = {}  # origin -> (seq, hash)
    entries = 0
    for r in records:
        if r["type"] != "entry":
            continue
        entries += 1
        card = cards.get(r["author"])
        if card is None:
            raise Problem("unknown-author", "an entry by a key without a card")
        body = {"author": r["author"], "kind": r["entry_kind"], "payload": r["payload"], "prev": r["prev"], "seq": r["seq"], "time": r["time"], "v": 1}
        h = sha(canonical(body).encode())
        if h.hex() != r["hash"]:
            raise Problem("entry-hash", f"entry {r['seq']} does not hash to its hash")
        verify(r["author"], bytes.fromhex(r["signature"]), b"tradeseal/v1/entry\x00" + h, "entry-signature", f"entry {r['seq']}'s signature does not verify")
        origin = card["origin"]
        prev = last.get(origin)
        if prev is not None and prev[0] + 1 == r["seq"] and prev[1] != r["prev"]:
            raise Problem("chain-link", f"entry {r['seq']} does not link to entry {prev[0]}")
        last[origin] = (r["seq"], r["hash"])
        root = roots.get((origin, r["checkpoint"]))
        if root is None:
            raise Problem("proof-no-checkpoint", f"entry {r['seq']} is proved against a checkpoint the bundle does not hold")
        try:
            path = [bytes.fromhex(p) for p in r["proof"]]
        except ValueError:
            raise Problem("inclusion-proof", "a proof hash is not hex")
        if root_from_inclusion(r["seq"], r["checkpoint"], leaf(h), path) != root:
            raise Problem("inclusion-proof", f"entry {r['seq']}'s inclusion proof does not reach the checkpoint")
    return entries


def check_file(path):
    try:
        n = check(open(path, "rb").read())
        print(f"{os.path.basename(path)}: ok ({n} entries)")
        return None
    except Problem as p:
        print(f"{os.path.basename(path)}: {p}")
        return p.code


def main(args):
    if args == ["--vectors"]:
        here = os.path.dirname(os.path.abspath(__file__))
        bad = 0
        files = sorted(f for f in os.listdir(here) if f.endswith(".tsbundle"))
        for f in files:
            got = check_file(os.path.join(here, f))
            stem = f[: -len(".tsbundle")]
            # Intact files: the valid ones, and the custody gap (a chain finding).
            want = None if stem.startswith("valid") or stem.startswith("custody-") else stem
            # The rotation cases need the hand-over rules to be named as such; this
            # checker refuses them for another finding the Rust verifier reports too.
            also = {"key-not-handed-over": {"card-altered"},
                    "key-retired": {"inclusion-proof"},
                    "rotation-invalid": {"card-altered", "unknown-author", "proof-no-checkpoint"}}
            if got != want and got not in also.get(stem, set()):
                print(f"  expected {want}")
                bad += 1
        print(f"bundle vectors: {len(files)} files, {bad} unexpected")
        return 1 if bad else 0
    codes = [check_file(a) for a in args]
    return 1 if any(codes) else 0


sys.exit(main(sys.argv[1:]))
