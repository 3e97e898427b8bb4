#!/usr/bin/env bash
# The repository's own Strata source stays in `strata fmt`'s layout: `strata fmt --check` of
# examples/ and stdlib/ lists nothing and exits 0 (run `strata fmt examples stdlib` to fix).
#   fmt_formatted.sh STRATA_BINARY
set -u
strata=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/../.." || exit 1
out=$("$strata" fmt --check examples stdlib 2>&1); code=$?
if [ "$code" != 0 ] || [ -n "$out" ]; then
  echo "FAIL: not formatted (exit $code); run: strata fmt examples stdlib" >&2
  echo "$out" >&2
  exit 1
fi
echo "ok: $(find examples stdlib -name '*.strata' | wc -l) files formatted"
