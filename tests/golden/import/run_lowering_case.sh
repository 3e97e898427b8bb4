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
context=$empty/$name.context
mkdir -p "$context"
# A Dockerfile context keeps its files' modes (BuildKit does), so they are in the keys; git
# records only 0644/0755, and a checkout's umask adds group bits. Lower a copy with the modes
# git records, so the goldens hold on any checkout.
if [ -d "$name.context" ]; then
  cp -a "$name.context/." "$context/"
  find "$context" -type d -exec chmod 0755 {} +
  find "$context" -type f -perm -u+x -exec chmod 0755 {} +
  find "$context" -type f ! -perm -u+x -exec chmod 0644 {} +
fi
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
