"""The CBV 2.0 event hash ids of one EPCIS document: GS1's reference tool
(epcis-event-hash-generator 1.9.3, MIT licence, from PyPI) with the corrections that
docs/spec/epcis-event.md §3.5 lists, each where the tool departs from the CBV 2.0 text or
cannot read a document the EPCIS 2.0 schemas accept. `--released` runs the tool as released.

Usage: python reference.py [--released] FILE   (one process per file: the tool keeps
state between files). Prints `hash<TAB>prehash` per event, in document order."""
import json
import sys

from epcis_event_hash_generator import (
    events_from_file_reader,
    hash_generator,
    json_to_py,
    json_xml_model_mismatch_correction as mismatch,
    xml_to_py,
)

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
PAIRED = ("bizTransaction", "source", "destination")
EMPTY = ("", "", [])
PROTECTED = {"epcis", "cbv", "cbvmda", "gs1", "rdfs", "owl", "xsd", "dcterms"}


def correct():
    # C1: the CURIE prefixes gs1, cbv and epcis are expanded whether or not the document's
    # own @context declares them (CBV 2.0 §8.9: any CURIE SHALL be expanded).
    # C4: @context entries that are term definitions (objects) declare no prefix; the
    # tool stops on them.
    def collect(ctx):
        for p, u in (("gs1", "https://gs1.org/voc/"), ("cbv", "https://ref.gs1.org/cbv/"),
                     ("epcis", "https://ref.gs1.org/epcis/")):
            json_to_py._namespaces.setdefault(p, "{" + u + "}")
        if isinstance(ctx, list):
            for c in ctx:
                if isinstance(c, dict):
                    for k, v in c.items():
                        if isinstance(v, str):
                            json_to_py._namespaces[k] = "{" + v + "}"
    json_to_py._collect_namespaces_from_jsonld_context = collect

    # C2: a JSON boolean is written as JSON and XML write it (true/false), not as Python's
    # True/False.
    plain = json_to_py._json_to_py

    def to_py(obj):
        if isinstance(obj, bool):
            return "", "true" if obj else "false", []
        return plain(obj)
    json_to_py._json_to_py = to_py

    # C5: a bizTransaction (source, destination) without type is its value alone; the tool
    # stops on it (JSON and XML). An empty node stands in for the missing type.
    structure = mismatch.deep_structure_correction

    def deep(py_obj):
        kids = []
        for e in py_obj[2] if len(py_obj) > 2 else []:
            if (not isinstance(e[0], tuple) and e[0].endswith("List")
                    and e[0][:-4] in PAIRED and len(e[2]) == 1):
                e = (e[0], e[1], [e[2][0], EMPTY])
            kids.append(e)
        return structure((py_obj[0], py_obj[1], kids))
    mismatch.deep_structure_correction = deep

    # C3 and C5 for XML: a quantity marked xsi:nil is absent (CBV 2.0 §8.9 rule 4: omitted
    # data is not added); a typeless bizTransaction is its value alone.
    def to_py_xml(root, sort=True):
        children = [(x, y, []) for (x, y) in root.items()]
        for child in root:
            if child.tag == "quantity" and child.get(XSI_NIL) in ("true", "1"):
                continue
            children.append(to_py_xml(child))
        if sort:
            children.sort()
        pairs = []
        for child in children:
            if child[0] in PAIRED and isinstance(child[2], list):
                value = (child[0], child[1], [])
                pairs.append((child[2][0], value) if child[2] else (value, EMPTY))
        if pairs:
            children = pairs
        return root.tag, root.text.strip() if root.text else "", children
    xml_to_py._xml_to_py = to_py_xml

    def expand(obj):
        if len(obj) == 2:
            return tuple(expand(x) if x[0] == "type" else x for x in obj)
        tag, text, kids = obj
        for k, v in xml_to_py._expansions.items():
            if text.startswith(k):
                text = text.replace(k, v)
        return tag, text, [expand(c) for c in kids]
    xml_to_py._expand_value_prefix = expand

    # C6: a document whose @context rebinds a protected prefix of the EPCIS context
    # (invalid JSON-LD 1.1) is read with its own binding for compact URIs; the tool's
    # JSON-LD processor stops on it.
    bare = json_to_py._bare_string_pre_preocessing

    def tolerant(obj):
        try:
            return bare(obj)
        except Exception:
            ctx = obj.get("@context")
            if not isinstance(ctx, list):
                raise
            slim = [c for c in ctx if not (isinstance(c, dict) and set(c) & PROTECTED)]
            out = bare({**obj, "@context": slim})
            out["@context"] = ctx
            return out
    json_to_py._bare_string_pre_preocessing = tolerant


def events_of(path):
    if path.endswith(".xml"):
        return events_from_file_reader.event_list_from_file(path)
    with open(path) as f:
        doc = json.load(f)
    # C7: the events of a query document are in queryResults.resultsBody.eventList.
    body = doc.get("epcisBody", {})
    if "eventList" not in body and "queryResults" in body:
        doc = {**doc, "epcisBody": {"eventList": body["queryResults"]["resultsBody"]["eventList"]}}
    return json_to_py.event_list_from_epcis_document_json(doc)


def main():
    args = sys.argv[1:]
    if args[:1] == ["--released"]:
        events = events_from_file_reader.event_list_from_file(args[1])
    else:
        correct()
        events = events_of(args[0])
    pre = hash_generator.derive_prehashes_from_events(events)
    if len(pre) != len(events[2]):
        sys.exit(f"the tool hashed {len(pre)} of {len(events[2])} events")
    for h, p in zip(hash_generator.calculate_hashes_from_pre_hashes(pre), pre):
        print(f"{h}\t{p}")


if __name__ == "__main__":
    main()
