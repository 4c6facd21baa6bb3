"""Identifiers whose canonical Digital Link the event hash needs: every EPC scheme of the
GS1 Tag Data Standard 2.x (ids, classes, patterns), Digital Links on other hosts and with
short names, and malformed ones. Printed one a line; generate.sh feeds them to GS1's tool.
Random cases come from a fixed seed, so the list is the same on every run."""
import random

r = random.Random(20261202)
C82 = "!')(*+,.-0123456789:;=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
ESC = ["%21", "%22", "%25", "%26", "%2F", "%2f", "%3C", "%3E", "%3F", "%41"]


def digits(n):
    return "".join(r.choice("0123456789") for _ in range(n))


def ser(n):
    s = ""
    for _ in range(r.randint(1, n)):
        s += r.choice(ESC) if r.random() < 0.1 else r.choice(C82)
    return s


def cp_ref(total):
    cp = r.randint(6, 12)
    return digits(cp), digits(total - cp)


out = []
for _ in range(12):
    cp, ir = cp_ref(13)
    out.append(f"urn:epc:id:sgtin:{cp}.{ir}.{ser(20)}")
    out.append(f"urn:epc:class:lgtin:{cp}.{ir}.{ser(20)}")
    out.append(f"urn:epc:idpat:sgtin:{cp}.{ir}.*")
    out.append(f"urn:epc:id:upui:{cp}.{ir}.{ser(28)}")
    out.append(f"urn:epc:idpat:upui:{cp}.{ir}.*")
    out.append(f"urn:epc:id:itip:{cp}.{ir}.{digits(2)}.{digits(2)}.{ser(20)}")
    out.append(f"urn:epc:idpat:itip:{cp}.{ir}.{digits(2)}.{digits(2)}.*")
    cp, sr = cp_ref(17)
    out.append(f"urn:epc:id:sscc:{cp}.{sr}")
    out.append(f"urn:epc:id:gsrn:{cp}.{sr}")
    out.append(f"urn:epc:id:gsrnp:{cp}.{sr}")
    cp, lr = cp_ref(12)
    out.append(f"urn:epc:id:sgln:{cp}.{lr}.{r.choice(['0', ser(20)])}")
    out.append(f"urn:epc:id:pgln:{cp}.{lr}")
    out.append(f"urn:epc:id:grai:{cp}.{lr}.{ser(16)}")
    out.append(f"urn:epc:idpat:grai:{cp}.{lr}.*")
    out.append(f"urn:epc:id:gdti:{cp}.{lr}.{ser(17)}")
    out.append(f"urn:epc:idpat:gdti:{cp}.{lr}.*")
    out.append(f"urn:epc:id:sgcn:{cp}.{lr}.{digits(r.randint(1, 12))}")
    out.append(f"urn:epc:idpat:sgcn:{cp}.{lr}.*")
    cp = digits(r.randint(6, 12))
    out.append(f"urn:epc:id:giai:{cp}.{ser(30 - len(cp))}")
    out.append(f"urn:epc:id:ginc:{cp}.{ser(30 - len(cp))}")
    part = "".join(r.choice("0123456789ABCXYZ-") for _ in range(r.randint(1, 30 - len(cp))))
    out.append(f"urn:epc:id:cpi:{cp}.{part}.{digits(r.randint(1, 12))}")
    out.append(f"urn:epc:idpat:cpi:{cp}.{part}.*")
    cp, sr = cp_ref(16)
    out.append(f"urn:epc:id:gsin:{cp}.{sr}")

out += [
    # TDS examples and corner cases
    "urn:epc:id:sgtin:0614141.112345.400",
    "urn:epc:id:sgtin:0614141.112345",
    "urn:epc:id:sgtin:0614141.11234.400",
    "urn:epc:id:sgln:0614141.12345.0",
    "urn:epc:id:sgln:061414112345..0",
    "urn:epc:id:grai:061414112345..400",
    "urn:epc:id:gdti:061414112345..400",
    "urn:epc:id:pgln:061414112345.",
    "urn:epc:id:unknown:0614141.1.2",
    "urn:epc:id:gid:95100000.12345.400",
    "urn:epc:id:usdod:CAGE1.5678",
    "urn:epc:id:adi:2S194.12345.PN1234",
    "urn:epc:id:bic:CSQU3054383",
    "urn:epc:id:imovn:9176187",
    "urn:epc:idpat:sscc:0614141.*",
    "urn:epc:idpat:sgln:0614141.12345.*",
    # Digital Links
    "https://id.gs1.org/01/09506000134352/10/ABC/21/12345",
    "https://example.com/01/9506000134352/21/ABC",
    "https://example.com/shop/gtin/4012345111118/lot/L1/ser/S1?x=1",
    "https://id.gs1.org/01/09506000134352/22/2A/10/ABC",
    "https://id.gs1.org/01/09506000134352/22/2A",
    "http://id.gs1.org/414/4012345000009",
    "https://example.org/8004/401234599999",
    "https://example.com/253/4012345000054987",
    "https://id.example.com/8003/040123450007718765",
    "https://brand.example/00/106141412345678908",
    "https://brand.example/414/0614141123452/254/5678",
    "https://brand.example/417/1234567890128",
    "https://brand.example/8017/061414112345678902",
    "https://brand.example/8018/061414112345678902",
    "https://brand.example/255/401234567890104711",
    "https://brand.example/401/0614141xyz4711",
    "https://brand.example/402/06141411234567890",
    "https://brand.example/8006/040123451234560102/21/987",
    "https://brand.example/8010/0614141123ABC/8011/123456789",
    "https://brand.example/01/12345678/21/1",
    "https://brand.example/01/123456789012/21/1",
    "https://example.com/8004/abc",
    "https://example.com/page",
    "https://id.gs1.org/01/4012345111118/10/L%2F1",
    "https://id.gs1.org/01/04012345111118/21/a%2Fb",
    "urn:epc:id:sgtin:4012345.011111.a%2fb",
    "geo:42.698334,23.319941",
    "urn:epcglobal:cbv:bt:0614141073467:1152",
]
for line in out:
    print(line)
