#!/usr/bin/env bash
# One formatter golden: `strata fmt` of cases/<case>.strata must be cases/<case>.expected, and
# that output must already be formatted (idempotence). UPDATE_GOLDEN=1 rewrites the expectation.
#   run_case.sh STRATA_BINARY tests/fmt/cases/<case>.strata
set -u
strata=$1
case_file=$2
expected="${case_file%.strata}.expected"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$case_file" "$work/case.strata"
"$strata" fmt "$work/case.strata" 2> "$work/err" || { cat "$work/err"; echo "fmt failed on $case_file"; exit 1; }
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
  cp "$work/case.strata" "$expected"
  echo "updated $expected"
  exit 0
fi
[ -f "$expected" ] || { echo "missing $expected (UPDATE_GOLDEN=1 creates it)"; cat "$work/case.strata"; exit 1; }
if ! diff -u "$expected" "$work/case.strata"; then
  echo "golden mismatch: $expected (UPDATE_GOLDEN=1 rewrites it)"
  exit 1
fi
cp "$expected" "$work/again.strata"
if ! "$strata" fmt --check "$work/again.strata" > "$work/out"; then
  "$strata" fmt "$work/again.strata"
  diff -u "$expected" "$work/again.strata"
  echo "not idempotent: formatting $expected changes it"
  exit 1
fi
