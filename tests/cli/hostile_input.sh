#!/usr/bin/env bash
# Hostile input never crashes the compiler: random bytes, a 1 MB line, 10,000 nested
# parentheses, invalid UTF-8 and deep nesting of every kind each end in a diagnostic and exit 1.
#   hostile_input.sh STRATA_BINARY
set -u
strata=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# Runs `strata check` on $1 and requires exit 1 with a file:line:col diagnostic.
expect_diagnostic() {
  local name=$1 file=$2
  "$strata" check -f "$file" >"$work/out" 2>"$work/err"
  local code=$?
  if [ "$code" -ne 1 ]; then
    echo "FAIL $name: exit $code (expected 1)"; head -c 600 "$work/err"; failures=$((failures + 1)); return
  fi
  if ! grep -qE '^[^ ]+:[0-9]+:[0-9]+: error: ' "$work/err"; then
    echo "FAIL $name: no file:line:col diagnostic"; head -c 600 "$work/err"; failures=$((failures + 1)); return
  fi
  echo "ok   $name: $(grep -m1 -E ': error: ' "$work/err" | cut -c1-120)"
}

head -c 65536 /dev/urandom > "$work/random.strata"
expect_diagnostic "random bytes" "$work/random.strata"

awk 'BEGIN { printf "{ x = \""; for (i = 0; i < 1048576; i++) printf "a"; printf "\" + 1; }\n" }' > "$work/long-line.strata"
expect_diagnostic "1 MB line" "$work/long-line.strata"

awk 'BEGIN { for (i = 0; i < 10000; i++) printf "("; printf "1"; for (i = 0; i < 10000; i++) printf ")"; print "" }' > "$work/parens.strata"
expect_diagnostic "10,000 nested parentheses" "$work/parens.strata"

awk 'BEGIN { for (i = 0; i < 10000; i++) printf "[ "; printf "1"; for (i = 0; i < 10000; i++) printf " ]"; print "" }' > "$work/lists.strata"
expect_diagnostic "10,000 nested lists" "$work/lists.strata"

awk 'BEGIN { for (i = 0; i < 10000; i++) printf "{ a = "; printf "1"; for (i = 0; i < 10000; i++) printf "; }"; print "" }' > "$work/records.strata"
expect_diagnostic "10,000 nested records" "$work/records.strata"

awk 'BEGIN { for (i = 0; i < 10000; i++) printf "let x%d = 1; in ", i; print "x" }' > "$work/lets.strata"
"$strata" check -f "$work/lets.strata" >/dev/null 2>"$work/err"
code=$?
if [ "$code" -eq 0 ] || [ "$code" -eq 1 ]; then echo "ok   10,000 nested lets: exit $code"; else
  echo "FAIL 10,000 nested lets: exit $code"; failures=$((failures + 1)); fi

printf '{ x = "\xff\xfe caf\xc3 \x80"; y = 1 + "a"; }\n' > "$work/utf8.strata"
expect_diagnostic "invalid UTF-8" "$work/utf8.strata"

printf '\x00\x01\x02{ = ; ' > "$work/binary.strata"
expect_diagnostic "control bytes" "$work/binary.strata"

printf 'let f = x: f x; in f 1\n' > "$work/loop.strata"
"$strata" eval -f "$work/loop.strata" self >/dev/null 2>"$work/err"
code=$?
if [ "$code" -eq 1 ] && grep -q "error:" "$work/err"; then echo "ok   infinite recursion: $(grep -m1 'error:' "$work/err" | cut -c1-100)"; else
  echo "FAIL infinite recursion: exit $code"; head -c 400 "$work/err"; failures=$((failures + 1)); fi

echo "$((9 - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
