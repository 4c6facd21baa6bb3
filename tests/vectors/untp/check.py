#!/usr/bin/env python3
"""Checks tests/vectors/untp/coffee-untp.json on its own (docs/spec/untp.md): each
credential validates against UN/CEFACT's UNTP 0.6.0 JSON schemas (Draft 2020-12,
tests/fixtures/untp, with format checks), each vc+jwt is a compact JWS whose EdDSA
signature (cryptography) holds under the key of its kid's did:key (decoded here from
base58btc and the multicodec 0xed01), whose issuer is that did, and whose payload is the
credential; a changed payload or another key fails.

`check.py --jwt FILE...`: the same for credentials the CLI wrote (tradeseal untp)."""

import base64
import hashlib
import json
import sys
from pathlib import Path

import jsonschema
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HERE = Path(__file__).resolve().parent
SCHEMAS = HERE.parent.parent / "fixtures" / "untp"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode(s):
    n = 0
    for c in s:
        n = n * 58 + B58.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(s) - len(s.lstrip("1"))) + raw


def b64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def did_key(did):
    z = did.split("#")[0]
    assert z.startswith("did:key:z"), did
    b = b58decode(z[len("did:key:z"):])
    assert len(b) == 34 and b[:2] == b"\xed\x01", did
    return b[2:]


def validator(name):
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


VALIDATORS = {"DigitalProductPassport": validator("dpp-0.6.0.schema.json"), "DigitalTraceabilityEvent": validator("dte-0.6.0.schema.json")}


def check_jwt(jwt):
    """The credential of a vc+jwt, once its signature and issuer hold; raises otherwise."""
    head, body, sig = jwt.strip().split(".")
    header = json.loads(b64url(head))
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt", header
    key = did_key(header["kid"])
    Ed25519PublicKey.from_public_bytes(key).verify(b64url(sig), f"{head}.{body}".encode())
    credential = json.loads(b64url(body))
    assert credential["issuer"]["id"] == header["kid"].split("#")[0], "the issuer is the signer"
    return credential, key


def validate(credential):
    kind = next(t for t in credential["type"] if t in VALIDATORS)
    errors = sorted(VALIDATORS[kind].iter_errors(credential), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{kind} {list(e.path)}: {e.message}" for e in errors[:10])
    return kind


if len(sys.argv) > 2 and sys.argv[1] == "--jwt":
    for f in sys.argv[2:]:
        credential, _ = check_jwt(Path(f).read_text(encoding="utf-8"))
        print(f"{f}: {validate(credential)} 0.6.0, signature and issuer OK")
    sys.exit(0)

v = json.loads((HERE / "coffee-untp.json").read_text(encoding="utf-8"))
# The passport's secure link pins the events credential: its SHA-256.
link = v["dpp"]["credential"]["credentialSubject"]["traceabilityInformation"][0]["traceabilityEvent"][0]
assert link["hashMethod"] == "SHA-256" and link["hashDigest"] == hashlib.sha256(v["dte"]["jwt"].encode()).hexdigest()
assert link["linkURL"] == v["dte"]["credential"]["id"]
for name in ["dpp", "dte"]:
    c = v[name]
    credential, key = check_jwt(c["jwt"])
    assert key.hex() == v["issuer_public_key"]
    assert credential == c["credential"]
    kind = validate(credential)
    # A changed payload under the same signature fails.
    head, body, sig = c["jwt"].split(".")
    changed = dict(credential, validFrom="2030-01-01T00:00:00Z")
    forged = ".".join([head, base64.urlsafe_b64encode(json.dumps(changed).encode()).decode().rstrip("="), sig])
    try:
        check_jwt(forged)
        raise AssertionError("a changed payload verified")
    except InvalidSignature:
        pass
    # The schema is not a formality: a passport without its issuer fails it.
    broken = {k: val for k, val in credential.items() if k != "issuer"}
    assert list(VALIDATORS[kind].iter_errors(broken)), "a credential without issuer validated"
    print(f"coffee-untp.json {name}: {kind} 0.6.0 schema, EdDSA signature, issuer did:key OK")
