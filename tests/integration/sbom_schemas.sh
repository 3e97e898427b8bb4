#!/usr/bin/env bash
# The golden SBOM documents of the unit tests (tests/golden/sbom: one component of every kind)
# are valid against the official SPDX 2.3 and CycloneDX 1.5 JSON schemas, and the validator
# rejects a document the schema forbids. Offline; needs python3-jsonschema.
# Usage: bash sbom_schemas.sh STRATA_BINARY (unused)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
golden=$here/../golden/sbom
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
validate() { "$PY" "$here/../sbom/validate_sbom.py" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
validate spdx "$golden/example.spdx.json" || fail "example.spdx.json is not valid SPDX 2.3"
validate cyclonedx "$golden/example.cdx.json" || fail "example.cdx.json is not valid CycloneDX 1.5"
jq '.components[0].type = "image"' "$golden/example.cdx.json" >"$T/bad.cdx.json"
! validate cyclonedx "$T/bad.cdx.json" 2>/dev/null || fail "the validator accepted a bad component type"
jq 'del(.creationInfo)' "$golden/example.spdx.json" >"$T/bad.spdx.json"
! validate spdx "$T/bad.spdx.json" 2>/dev/null || fail "the validator accepted an SPDX document without creationInfo"
echo PASS
