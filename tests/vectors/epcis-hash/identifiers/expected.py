"""Prints `input<TAB>canonical` for each line of stdin, the canonical form by GS1's
reference tool (epcis-event-hash-generator 1.9.3, dl_normaliser); `-` where it has none."""
import sys

from epcis_event_hash_generator.dl_normaliser import normaliser

for line in sys.stdin:
    u = line.rstrip("\n")
    print(f"{u}\t{normaliser(u) or '-'}")
