#!/usr/bin/python3
"""Validates SBOM documents against the vendored official JSON schemas (tests/sbom/schemas).

    validate_sbom.py spdx FILE...        SPDX 2.3 JSON
    validate_sbom.py cyclonedx FILE...   CycloneDX 1.5 JSON

Needs Debian's python3-jsonschema; reads no network. Exit 0 when every file is valid, else 1
with each error's path and message.
"""
import json
import os
import sys

import jsonschema

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas")


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


def validator(kind):
    if kind == "spdx":
        schema = load("spdx-2.3.schema.json")
        store = {}
    elif kind == "cyclonedx":
        schema = load("bom-1.5.schema.json")
        store = {s["$id"]: s for s in (load("spdx.schema.json"), load("jsf-0.82.schema.json"))}
    else:
        sys.exit("usage: validate_sbom.py spdx|cyclonedx FILE...")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    return cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: validate_sbom.py spdx|cyclonedx FILE...")
    check = validator(sys.argv[1])
    bad = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
        for error in sorted(check.iter_errors(document), key=lambda e: list(e.absolute_path)):
            bad += 1
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: /{where}: {error.message}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
