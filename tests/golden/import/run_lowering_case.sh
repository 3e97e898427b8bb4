#!/usr/bin/env bash
# Pins the derivation graph (keys included) of a Dockerfile's direct lowering:
#   run_lowering_case.sh STRATA_BINARY tests/golden/import/<case>.Dockerfile
# compares `strata import --graph` with <case>.graph; UPDATE_GOLDEN=1 rewrites it. The context
# is <case>.context when it exists, else an empty directory.
set -u
strata=$1
dockerfile=$2
dir=$(dirname "$dockerfile")
name=$(basename "$dockerfile" .Dockerfile)
cd "$dir" || exit 1
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT
context=$empty
[ -d "$name.context" ] && context=$name.context
actual=$("$strata" import --graph --context "$context" "$name.Dockerfile" 2>&1; echo "exit: $?")
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
  printf '%s\n' "$actual" > "$name.graph"
  echo "updated $dir/$name.graph"
  exit 0
fi
if ! diff -u "$name.graph" <(printf '%s\n' "$actual"); then
  echo "golden mismatch: $dir/$name.graph (UPDATE_GOLDEN=1 rewrites it)"
  exit 1
fi
