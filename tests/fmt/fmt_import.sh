#!/usr/bin/env bash
# `strata import` writes its programs in `strata fmt`'s layout: for every Dockerfile of the
# import goldens that translates, `strata fmt --check` accepts the program as it is.
#   fmt_import.sh STRATA_BINARY
set -u
strata=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export STRATA_STORE="$work/store"
checked=0
for dockerfile in "$src"/tests/golden/import/ok-*.Dockerfile; do
  name=$(basename "$dockerfile" .Dockerfile)
  context="$src/tests/golden/import/$name.context"
  [ -d "$context" ] || { context="$work/empty"; mkdir -p "$context"; }
  "$strata" import --context "$context" -o "$work/$name.strata" "$dockerfile" 2> "$work/$name.err" || continue
  out=$("$strata" fmt --check "$work/$name.strata" 2>&1) || { echo "$out" >&2; fail "import output of $name is not formatted"; }
  checked=$((checked + 1))
done
[ "$checked" -ge 5 ] || fail "only $checked Dockerfiles imported"
echo "ok: $checked imported programs already formatted"
