#!/usr/bin/env bash
# A select of a stage's root spelled ".", "/etc/.." or "//" copies the same tree as "/" (before
# the fix, "." and "/etc/.." failed: "cannot create: .../out/.: File exists").
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
cat >"$T/w/build.strata" <<'PROG'
let
  s = load ./busybox-layout |> run "mkdir -p /o && echo v > /o/f";
  only = path: scratch |> copy (s / path) "/r/";
in { slash = only "/"; dot = only "."; up = only "/etc/.."; double = only "//"; }
PROG
for target in slash dot up double; do
  build "$target" -o "oci:$T/layout:$target" || { cat "$T/err"; fail "select of the root as '$target' failed"; }
  umoci unpack --image "$T/layout:$target" "$T/$target" >/dev/null
  (cd "$T/$target/rootfs/r" && find . | sort) >"$T/$target.list"
done
grep -qx './o/f' "$T/slash.list" || fail "the root's copy lacks /o/f"
for target in dot up double; do
  diff -u "$T/slash.list" "$T/$target.list" || fail "'$target' copied another tree than '/'"
done
echo "ok"
