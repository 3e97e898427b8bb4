#!/usr/bin/env bash
# `strata fmt` over every .strata file of the repository (examples, stdlib, test inputs), on a
# copy: files that parse are formatted and then formatting the result changes nothing
# (idempotence); each program's meaning is unchanged: `strata graph --format json` (the graph
# with its keys) and `strata check` (the program's type) print the same before and after.
# Files that do not parse are listed as errors and left byte for byte as they were.
#   fmt_repo.sh STRATA_BINARY
set -u
strata=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The repository's .strata files (tracked or not, outside build trees), copied with their
# relative paths, so that imports and path literals between them keep working.
(cd "$src" && find examples stdlib tests -name '*.strata' -not -path '*/build*/*' -print0 |
   tar --null -cf - -T -) | tar -xf - -C "$work"
cp -r "$work" "$work.orig" && trap 'rm -rf "$work" "$work.orig"' EXIT
cd "$work" || exit 1
mapfile -t files < <(find . -name '*.strata' | sed 's|^\./||' | sort)
[ "${#files[@]}" -gt 50 ] || fail "only ${#files[@]} .strata files found"

# What a program means, as far as the compiler can tell: graph (keys included) and type.
meaning() {
  local f=$1 out=$2
  { "$strata" graph -f "$f" --format json 2>/dev/null; echo "graph exit $?"
    "$strata" check -f "$f" 2>/dev/null; echo "check exit $?"; } > "$out"
}
mkdir -p "$work.meaning"
trap 'rm -rf "$work" "$work.orig" "$work.meaning"' EXIT
i=0
for f in "${files[@]}"; do meaning "$f" "$work.meaning/$i.before"; i=$((i + 1)); done

"$strata" fmt . > "$work.meaning/fmt.out" 2> "$work.meaning/fmt.err"
formatted=0 unparsed=0 i=0 programs=0
for f in "${files[@]}"; do
  if grep -q "^$f:[0-9]*:[0-9]*: error:" "$work.meaning/fmt.err"; then
    unparsed=$((unparsed + 1))
    cmp -s "$f" "$work.orig/$f" || fail "$f does not parse, yet fmt changed it"
  else
    cmp -s "$f" "$work.orig/$f" || formatted=$((formatted + 1))
    meaning "$f" "$work.meaning/$i.after"
    if ! cmp -s "$work.meaning/$i.before" "$work.meaning/$i.after"; then
      diff "$work.meaning/$i.before" "$work.meaning/$i.after" | head -20 >&2
      fail "formatting $f changed its graph or type"
    fi
    grep -q "^graph exit 0" "$work.meaning/$i.before" && programs=$((programs + 1))
  fi
  i=$((i + 1))
done
grep "internal error" "$work.meaning/fmt.err" && fail "the formatter reported an internal error"

# Idempotence: a second run finds nothing to change.
"$strata" fmt --check . > "$work.meaning/check.out" 2>/dev/null
[ -s "$work.meaning/check.out" ] && { cat "$work.meaning/check.out" >&2; fail "fmt of fmt output changes these files"; }
echo "ok: ${#files[@]} files, $formatted reformatted, $unparsed not parsing (left as they were)," \
     "$programs graphs compared, all idempotent"
