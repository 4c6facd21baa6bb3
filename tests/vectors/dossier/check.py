#!/usr/bin/env python3
"""Recomputes the dossier seal vector (seal-v1.json) from docs/spec/dossier.md §3 alone,
with nothing but the Python standard library: leaves, salts, digests, path order,
RFC 9162 Merkle root. Exits 1 on any difference."""
import base64, functools, hashlib, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))


def canonical(v):
    # RFC 8785 for the values of a dossier: strings, integers, lists, objects with ASCII keys.
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


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
            bx, by = x.encode(), y.encode()
            c = (bx > by) - (bx < by)
        if c:
            return c
    return (len(a) > len(b)) - (len(a) < len(b))


def mth(hashes):
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(hashes[:k]) + mth(hashes[k:])).digest()


def main():
    vec = json.load(open(os.path.join(HERE, "seal-v1.json"), encoding="utf-8"))
    seed = bytes.fromhex(vec["seed"])
    problems = []
    computed = []
    for (path, value), want in zip(leaves(vec["dossier"]), vec["leaves"]):
        salt = base64.urlsafe_b64encode(
            hashlib.sha256(b"tradeseal dossier salt v1\x00" + seed + canonical(path).encode()).digest()[:16]
        ).rstrip(b"=").decode()
        digest = hashlib.sha256(canonical([salt, path, value]).encode()).hexdigest()
        if [path, value, salt, digest] != [want["path"], want["value"], want["salt"], want["digest"]]:
            problems.append(f"leaf {path}: computed salt {salt} digest {digest}, vector has {want}")
        computed.append((path, digest))
    if len(computed) != len(vec["leaves"]) or len(computed) != vec["fields"]:
        problems.append(f"{len(computed)} leaves computed, vector has {len(vec['leaves'])} ({vec['fields']} fields)")
    computed.sort(key=functools.cmp_to_key(lambda a, b: path_cmp(a[0], b[0])))
    hashes = [hashlib.sha256(b"\x00" + canonical([p, d]).encode()).digest() for p, d in computed]
    root = mth(hashes).hex()
    if root != vec["root"]:
        problems.append(f"root {root}, vector has {vec['root']}")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"dossier seal vector: {len(computed)} leaves and the root agree")


main()
