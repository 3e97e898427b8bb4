#!/usr/bin/env bash
# Re-checks the Nix-equivalent golden cases (tests/golden/eval/nix-*.strata) against Nix itself:
# each is evaluated by nix-instantiate, with Strata's global builtins bound from `builtins`, and
# its output must equal the stdout recorded in the case's .expected file.
#   check-against-nix.sh [NIX_INSTANTIATE]   (default: nix-instantiate from PATH)
set -u
nix=${1:-nix-instantiate}
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v "$nix" >/dev/null; then
  echo "check-against-nix: $nix not found (Debian: apt-get install nix-bin)" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Strata's builtins are global names; Nix keeps most of them under `builtins`.
prelude='let inherit (builtins) length substring stringLength head tail filter elem concatMap
  concatLists concatStringsSep replaceStrings hasAttr attrNames elemAt; foldl = builtins.foldl'"'"'; in'
failed=0 checked=0
for case in "$here"/eval/nix-*.strata; do
  name=$(basename "$case" .strata)
  expected=$(sed -n '/^--- stdout$/,/^--- stderr$/p' "$here/eval/$name.expected" | sed '1d;$d')
  { printf '%s (\n' "$prelude"; cat "$case"; printf '\n)\n'; } > "$work/$name.nix"
  actual=$(NIX_STATE_DIR="$work/state" "$nix" --eval --strict "$work/$name.nix" 2>&1)
  checked=$((checked + 1))
  if [ "$actual" != "$expected" ]; then
    failed=$((failed + 1))
    printf 'DIFFERS %s\n  strata: %s\n  nix:    %s\n' "$name" "$expected" "$actual"
  fi
done
echo "check-against-nix: $checked cases, $failed differ"
[ "$failed" = 0 ]
