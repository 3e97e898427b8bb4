#!/usr/bin/env bash
# Runs one golden case and compares with its .expected file; UPDATE_GOLDEN=1 rewrites it.
#   run_case.sh STRATA_BINARY tests/golden/<phase>/<case>.strata
# The phase (the folder name) is the strata subcommand: parse, check, eval or graph.
# Optional <case>.args holds more arguments, one per line (for eval: the expression).
set -u
strata=$1
case_file=$2
dir=$(dirname "$case_file")
name=$(basename "$case_file" .strata)
phase=$(basename "$dir")
expected="$dir/$name.expected"

args=()
if [ -f "$dir/$name.args" ]; then
  while IFS= read -r line || [ -n "$line" ]; do args+=("$line"); done < "$dir/$name.args"
fi

cd "$dir" || exit 1
stdout=$(mktemp) stderr=$(mktemp)
trap 'rm -f "$stdout" "$stderr"' EXIT
"$strata" "$phase" -f "$name.strata" "${args[@]}" >"$stdout" 2>"$stderr"
code=$?
actual=$(printf 'exit: %s\n--- stdout\n%s\n--- stderr\n%s\n' "$code" "$(cat "$stdout")" "$(cat "$stderr")")

if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
  printf '%s\n' "$actual" > "$name.expected"
  echo "updated $expected"
  exit 0
fi
if [ ! -f "$name.expected" ]; then
  echo "missing $expected (run with UPDATE_GOLDEN=1 to create it)"
  printf '%s\n' "$actual"
  exit 1
fi
if ! diff -u "$name.expected" <(printf '%s\n' "$actual"); then
  echo "golden mismatch: $expected (UPDATE_GOLDEN=1 rewrites it)"
  exit 1
fi
