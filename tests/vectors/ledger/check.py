#!/usr/bin/env python3
"""Checks tests/vectors/ledger/v1.json, v2.json, v2-rotate.json and v2-key-rotate.json independently of the Rust code.
v1: bodies hash to the entry hashes, entries link, leaf hashes and the RFC 9162 root, the
signed messages, and every Ed25519 signature and the checkpoint note. v2: bodies, the
commits tiling the ledger with their range roots, roots and signed notes, attribution
(every entry's author signs its commit), the officer set, multiproofs, and the mutated
cases refused for their reason. Signatures with the `cryptography` package; without it
the check fails."""
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
    from cryptography.exceptions import InvalidSignature
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

# ---- Ledger v2 (docs/spec/ledger.md §7-13): v2.json ----------------------------------
v2 = json.load(open(os.path.join(os.path.dirname(__file__), "v2.json"), encoding="utf-8"))
org_pk = bytes.fromhex(v2["org"]["public_key"])
origin = v2["org"]["origin"]
assert origin == "tradeseal/" + sha(b"tradeseal/v1/origin\x00" + org_pk)[:8].hex()
assert Ed25519PrivateKey.from_private_bytes(bytes.fromhex(v2["org"]["seed_hex"])).public_key().public_bytes_raw() == org_pk

def fingerprint(pk):
    h = sha(b"tradeseal/v1/fingerprint\x00" + pk)[:30]
    return " ".join(f"{int.from_bytes(h[i:i + 5], 'big') % 100000:05d}" for i in range(0, 30, 5))

assert v2["org"]["fingerprint"] == fingerprint(org_pk)
card = v2["officer"]["card"]
officer_pk = bytes.fromhex(card["public_key"])
assert card["format"] == "tradeseal-officer-card/v1" and card["origin"] == origin
assert card["fingerprint"] == fingerprint(officer_pk)

def v2_body(e, i):
    body = json.loads(e["body"])
    assert e["body"] == json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False), i
    assert sorted(body) == ["author", "kind", "payload", "seq", "time", "v"] and body["v"] == 2, i
    h = sha(e["body"].encode())
    return body, h, sha(b"\x00" + h)

bodies, leaves2 = [], []
for i, e in enumerate(v2["entries"]):
    body, h, leaf = v2_body(e, i)
    assert body["seq"] == i and h.hex() == e["entry_hash"] and leaf.hex() == e["leaf_hash"], i
    bodies.append(body)
    leaves2.append(leaf)
assert mth(leaves2).hex() == v2["root"]

def parse_commit(note):
    text, sig_line = note.split("\n\n")
    text += "\n"
    o, size, root_b64, ext, rest = text.split("\n")
    assert rest == "" and o == origin
    word, start, time, range_b64, set_ = ext.split(" ")
    assert word == "tradeseal-commit/v2"
    name, blob = sig_line.rstrip("\n").removeprefix("\u2014 ").rsplit(" ", 1)
    assert name == origin
    blob = base64.b64decode(blob)
    return dict(text=text, end=int(size), root=base64.b64decode(root_b64), start=int(start), time=time,
                range_root=base64.b64decode(range_b64), set=None if set_ == "-" else int(set_),
                key_id=blob[:4], sig=blob[4:])

def open_commit(note, author):
    c = parse_commit(note)
    assert c["key_id"] == sha(origin.encode() + b"\n\x01" + author)[:4], "the note's key id is not its author's"
    Ed25519PublicKey.from_public_bytes(author).verify(c["sig"], c["text"].encode())
    return c

def check_commit(c, author, bodies, leaves, admins, officers):
    assert all(bodies[i]["author"] == author.hex() for i in range(c["start"], c["end"])), "author-mismatch"
    assert all(bodies[i]["time"] == c["time"] for i in range(c["start"], c["end"])), "commit-time"
    assert mth(leaves[c["start"]:c["end"]]) == c["range_root"] and mth(leaves[:c["end"]]) == c["root"]
    assert author in admins or author in officers, "unknown-author"

admins, officers, end = {org_pk}, set(), 0
for c_json in v2["commits"]:
    author = bytes.fromhex(c_json["author"])
    c = open_commit(c_json["note"], author)
    assert c["start"] == end and c["end"] == c_json["end"] and c["start"] == c_json["start"], "commits tile the ledger"
    assert c["set"] == 0 and bodies[0]["kind"] == "officer.add"
    check_commit(c, author, bodies, leaves2, admins, officers)
    for i in range(c["start"], c["end"]):
        if bodies[i]["kind"] == "officer.add":
            assert author in admins, "not-an-admin"
            p = bodies[i]["payload"]
            assert p["card"] == card and p["role"] == "officer" and p["after"] is None
            officers.add(bytes.fromhex(p["card"]["public_key"]))
    end = c["end"]
assert end == len(bodies)

def multiproof_root(size, leaves, proof):
    """ledger.md §10.1: leaves = [(index, leaf hash)] increasing; None if the proof is short or long."""
    it = iter(proof)
    def root(lo, hi, ls):
        if not ls:
            return next(it)
        if hi - lo == 1:
            return ls[0][1]
        k = 1
        while k * 2 < hi - lo:
            k *= 2
        left = [x for x in ls if x[0] < lo + k]
        right = [x for x in ls if x[0] >= lo + k]
        return sha(b"\x01" + root(lo, lo + k, left) + root(lo + k, hi, right))
    try:
        r = root(0, size, leaves)
    except StopIteration:
        return None
    return None if next(it, None) is not None else r

for m in v2["multiproofs"]:
    got = multiproof_root(m["size"], [(i, leaves2[i]) for i in m["indices"]], [bytes.fromhex(h) for h in m["proof"]])
    assert got is not None and got.hex() == m["root"], m["indices"]
for r in v2["range_proofs"]:
    c = v2["commits"][r["commit"]]
    rl = leaves2[c["start"]:c["end"]]
    got = multiproof_root(len(rl), [(i, rl[i]) for i in r["indices"]], [bytes.fromhex(h) for h in r["proof"]])
    assert got is not None and got.hex() == c["range_root"]

# The mutated cases must each be refused, for their reason.
def refused(f):
    try:
        f()
    except Exception as e:
        return str(e) or type(e).__name__
    return None

bad = {b["name"]: b for b in v2["invalid"]}
def forged_author():
    b = bad["author-mismatch"]
    fbodies, fleaves = bodies[:3], leaves2[:3]
    body, h, leaf = v2_body({"body": b["entry_body"]}, 3)
    fbodies, fleaves = fbodies + [body], fleaves + [leaf]
    c = open_commit(b["note"], org_pk)  # the signature itself is good
    check_commit(c, org_pk, fbodies, fleaves, admins, officers)
assert refused(forged_author) == "author-mismatch"
assert refused(lambda: open_commit(bad["note-altered"]["note"], officer_pk)) == "InvalidSignature"
extra = bad["multiproof-extra-hash"]
assert multiproof_root(len(leaves2), [(i, leaves2[i]) for i in extra["indices"]], [bytes.fromhex(h) for h in extra["proof"]]) is None

# officer.rotate (ledger.md §8.2), v2-rotate.json: replay the officer set; the hand-over
# needs the new card whole and of this ledger and the new key's signature over
# "tradeseal/v2/officer-rotate" || 0x00 || SHA-256(origin || 0x00 || old || new); the
# old key commits nothing after it.
rot = json.load(open(os.path.join(os.path.dirname(__file__), "v2-rotate.json"), encoding="utf-8"))
assert rot["origin"] == origin and rot["org_public_key"] == org_pk.hex()

def rotation_checks(p, old):
    """The new key of an officer.rotate payload committed by `old`, if it checks."""
    new_card = p["new_card"]
    new = bytes.fromhex(new_card["public_key"])
    assert new_card["origin"] == origin and new_card["fingerprint"] == fingerprint(new), "officer-entry-invalid"
    msg = b"tradeseal/v2/officer-rotate\x00" + sha(origin.encode() + b"\x00" + old + new)
    assert msg.hex() == rot["rotate_message_hex"]
    try:
        Ed25519PublicKey.from_public_bytes(new).verify(bytes.fromhex(p["new_signature"]), msg)
    except InvalidSignature:
        raise AssertionError("officer-entry-invalid")
    return new

def replay(entry_bodies):
    rbodies, rleaves = [], []
    for i, text in enumerate(entry_bodies):
        body, h, leaf = v2_body({"body": text}, i)
        assert body["seq"] == i, i
        rbodies.append(body)
        rleaves.append(leaf)
    active, retired, head, end = set(), set(), None, 0
    for c_json in rot["commits"]:
        author = bytes.fromhex(c_json["author"])
        c = open_commit(c_json["note"], author)
        assert c["start"] == end, "commit-gap"
        assert author not in retired, "officer-revoked"
        check_commit(c, author, rbodies, rleaves, {org_pk}, active)
        for i in range(c["start"], c["end"]):
            b = rbodies[i]
            p = b["payload"]
            if b["kind"] in ("officer.add", "officer.rotate"):
                assert p["after"] == head, "officer-entry-invalid"
                head = i
            if b["kind"] == "officer.add":
                assert author == org_pk, "not-an-admin"
                active.add(bytes.fromhex(p["card"]["public_key"]))
            elif b["kind"] == "officer.rotate":
                assert author in active, "officer-entry-invalid"
                new = rotation_checks(p, author)
                active.discard(author)
                retired.add(author)
                active.add(new)
        assert c["set"] == head, "officer-set-mismatch"
        end = c["end"]
    assert end == len(rbodies)
    return rbodies

rbodies = replay([e["body"] for e in rot["entries"]])
assert [b["kind"] for b in rbodies] == ["officer.add", "note", "officer.rotate", "note"]
# The hand-over's signature altered: refused by the rotation's own check (and the whole
# replay refuses it too, its entry no longer giving the signed roots).
altered = json.loads(rot["mutated"]["rotation-signature-altered"])
old_key = bytes.fromhex(rbodies[2]["author"])
assert refused(lambda: rotation_checks(altered["payload"], old_key)) == "officer-entry-invalid"
entries_altered = [e["body"] for e in rot["entries"]]
entries_altered[2] = rot["mutated"]["rotation-signature-altered"]
assert refused(lambda: replay(entries_altered)) is not None

# key.rotate (ledger.md §8.2, identity.md), v2-key-rotate.json: the organisation's key in
# force hands the ledger over; the old card is its, the new card of this ledger, the new
# key's signature over "tradeseal/v1/key-rotate" || 0x00 || SHA-256(origin || 0x00 || old
# || new); from the next commit the new key is the organisation's, the old one retired.
kr = json.load(open(os.path.join(os.path.dirname(__file__), "v2-key-rotate.json"), encoding="utf-8"))
kr_origin = kr["origin"]
assert kr_origin == origin, "the same founding key (seed 0x11) as v2.json"
founding = bytes.fromhex(kr["org_public_key"])

def key_rotation_checks(p, old):
    """The new organisation key of a key.rotate payload committed by `old`, if it checks."""
    assert p["old_card"]["public_key"] == old.hex() and p["old_card"]["origin"] == kr_origin, "rotation-invalid"
    new = bytes.fromhex(p["new_card"]["public_key"])
    assert p["new_card"]["origin"] == kr_origin and p["new_card"]["fingerprint"] == fingerprint(new), "rotation-invalid"
    assert new != old, "rotation-invalid"
    msg = b"tradeseal/v1/key-rotate\x00" + sha(kr_origin.encode() + b"\x00" + old + new)
    assert msg.hex() == kr["rotate_message_hex"]
    try:
        Ed25519PublicKey.from_public_bytes(new).verify(bytes.fromhex(p["new_signature"]), msg)
    except InvalidSignature:
        raise AssertionError("rotation-invalid")
    return new

def replay_org(entry_bodies):
    kbodies, kleaves = [], []
    for i, text in enumerate(entry_bodies):
        body, h, leaf = v2_body({"body": text}, i)
        assert body["seq"] == i, i
        kbodies.append(body)
        kleaves.append(leaf)
    org, retired, head, end = founding, set(), None, 0
    for c_json in kr["commits"]:
        author = bytes.fromhex(c_json["author"])
        c = open_commit(c_json["note"], author)
        assert c["start"] == end, "commit-gap"
        assert author not in retired, "key-retired"
        check_commit(c, author, kbodies, kleaves, {org}, set())
        for i in range(c["start"], c["end"]):
            b = kbodies[i]
            if b["kind"] == "key.rotate":
                p = b["payload"]
                assert p["after"] == head, "officer-entry-invalid"
                head = i
                assert author == org, "rotation-invalid"
                new = key_rotation_checks(p, author)
                retired.add(org)
                org = new
        assert c["set"] == head, "officer-set-mismatch"
        end = c["end"]
    assert end == len(kbodies)
    return kbodies, org

kbodies, org_now = replay_org([e["body"] for e in kr["entries"]])
assert [b["kind"] for b in kbodies] == ["note", "key.rotate", "note"]
assert org_now.hex() == kr["new_public_key"]
altered = json.loads(kr["mutated"]["rotation-signature-altered"])
assert refused(lambda: key_rotation_checks(altered["payload"], founding)) == "rotation-invalid"
k_altered = [e["body"] for e in kr["entries"]]
k_altered[1] = kr["mutated"]["rotation-signature-altered"]
assert refused(lambda: replay_org(k_altered)) is not None

print("ledger vectors: v1 hashes, links, tree, checkpoint and all signatures OK; "
      "v2 bodies, commits, officer set, multiproofs and all signatures OK, its forgeries refused; "
      "an officer's key rotation and the organisation's replayed, their altered hand-overs refused")
