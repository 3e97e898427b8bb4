#!/usr/bin/env bash
# Conformance over a corpus of Dockerfiles (default ../shared/corpus beside the checkout): each
# must parse (`strata import --dump-ast`), lower, translate (`strata import`), and round-trip:
# `strata graph` of the translation prints the same derivation graph, keys included, as the
# direct lowering (`strata import --graph`). Files that name COPY sources get a scratch context
# holding those paths. Prints a line per file and the counts; fails on a parse failure or a
# round-trip mismatch.
#   corpus.sh STRATA_BINARY [CORPUS_DIR]
set -u
strata=$(realpath "$1")
corpus=${2:-$(dirname "$0")/../../../shared/corpus}
if [ ! -d "$corpus" ]; then
  echo "corpus $corpus is absent: nothing to check"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
parsed=0 lowered=0 roundtrip=0 total=0 failures=0

while IFS= read -r -d '' file; do
  total=$((total + 1))
  name=${file#"$corpus"/}
  if ! "$strata" import --dump-ast "$file" >/dev/null 2>"$work/err"; then
    echo "FAIL parse      $name: $(head -1 "$work/err")"; failures=$((failures + 1)); continue
  fi
  parsed=$((parsed + 1))
  # A context with every COPY/ADD source the Dockerfile names (found one error at a time).
  ctx=$work/ctx-$total
  mkdir -p "$ctx"
  lowered_ok=0
  for _ in $(seq 1 60); do
    if "$strata" import --graph --context "$ctx" "$file" >"$work/lowered" 2>"$work/err"; then lowered_ok=1; break; fi
    missing=$(grep -o 'COPY source "[^"]*" not found' "$work/err" | head -1 | sed 's/COPY source "\(.*\)" not found/\1/')
    [ -n "$missing" ] || break
    mkdir -p "$ctx/$(dirname "$missing")" && echo x > "$ctx/$missing"
  done
  if [ $lowered_ok = 0 ]; then
    echo "skip lower      $name: $(grep -m1 'error:' "$work/err" | sed 's/^[^ ]*: error: //' | cut -c1-100)"
    continue
  fi
  lowered=$((lowered + 1))
  program=$work/translated-$total.strata
  if ! "$strata" import --context "$ctx" -o "$program" "$file" 2>"$work/err"; then
    echo "FAIL translate  $name: $(grep -m1 'error' "$work/err")"; failures=$((failures + 1)); continue
  fi
  if ! "$strata" graph -f "$program" >"$work/translated" 2>"$work/err"; then
    echo "FAIL graph      $name: $(grep -m1 'error' "$work/err")"; failures=$((failures + 1)); continue
  fi
  if ! diff -q "$work/lowered" "$work/translated" >/dev/null; then
    echo "FAIL round-trip $name: the translation's graph differs from the lowering's"
    diff "$work/lowered" "$work/translated" | head -6
    failures=$((failures + 1)); continue
  fi
  roundtrip=$((roundtrip + 1))
  echo "ok              $name ($(wc -l < "$work/lowered") nodes)"
done < <(find "$corpus" -type f \( -name '*Dockerfile*' \) -print0 | sort -z)

echo "corpus: $total Dockerfiles, $parsed parse, $lowered lower, $roundtrip translate and round-trip"
echo "$roundtrip passed, $failures failed"
[ "$failures" -eq 0 ]
