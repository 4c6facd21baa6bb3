#!/usr/bin/env python3
"""Checks a TradeSeal dossier credential (vc+jwt) independently of TradeSeal: the JWS
(EdDSA) under the key of the issuer's did:key, decoded here from base58btc, and the
credential's shape (VC 2.0 context, issuer, a subject carrying a sealed dossier); then
PyJWT decodes the file exactly as read (a JWT file is the compact form and nothing else:
no trailing newline, RFC 7519 §7.2).
Usage: check_vc.py FILE.jwt. Prints the issuer and the dossier; exits 1 on any problem."""
import base64, json, sys

import jwt as pyjwt

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode(s):
    n = 0
    for c in s:
        n = n * 58 + ALPHABET.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(s) - len(s.lstrip("1"))) + raw


def b64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def main(path):
    jwt = open(path, "rb").read().decode("ascii")
    if jwt != jwt.strip() or any(c.isspace() for c in jwt):
        print("the file holds whitespace around or inside the compact JWS")
        sys.exit(1)
    h64, p64, s64 = jwt.split(".")
    header, payload = json.loads(b64url(h64)), json.loads(b64url(p64))
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt", header
    did = header["kid"].split("#")[0]
    assert did.startswith("did:key:z"), did
    raw = b58decode(did[len("did:key:z"):])
    assert raw[:2] == b"\xed\x01" and len(raw) == 34, "not an Ed25519 did:key"
    key = Ed25519PublicKey.from_public_bytes(raw[2:])
    try:
        key.verify(b64url(s64), f"{h64}.{p64}".encode())
    except InvalidSignature:
        print("signature does not verify")
        sys.exit(1)
    assert payload["@context"][0] == "https://www.w3.org/ns/credentials/v2", payload["@context"]
    assert "VerifiableCredential" in payload["type"], payload["type"]
    assert payload["issuer"]["id"] == did, "issuer is not the signing key"
    sealed = payload["credentialSubject"][0]["sealedDossier"]
    # Version 1 (a home's own ledger) or 2 (a ledger of signed commits): the seal names
    # the organisation's card either way (docs/spec/dossier.md §4, §4.1).
    assert sealed["format"] in ("tradeseal-sealed-dossier/1", "tradeseal-sealed-dossier/2"), sealed["format"]
    assert sealed["seal"]["card"]["public_key"] == raw[2:].hex(), "the seal is by another key"
    try:
        pyjwt.decode(jwt, key, algorithms=["EdDSA"], options={"verify_aud": False, "verify_exp": False, "verify_nbf": False, "verify_iat": False})
    except pyjwt.PyJWTError as e:
        print(f"PyJWT refuses the file: {e}")
        sys.exit(1)
    print(f"vc+jwt verified: issuer {payload['issuer']['name']} ({did}), dossier {sealed['dossier']['id']} version {sealed['dossier']['version']}")


main(sys.argv[1])
