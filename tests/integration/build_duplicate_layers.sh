#!/usr/bin/env bash
# Two steps that produce the same layer (identical once mtimes are normalised) make an image
# with one layer twice; the next step still mounts it (overlayfs refuses a repeated lower dir,
# so only the topmost copy is used) and sees what the image holds.
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
cat >"$T/w/build.strata" <<'STRATA'
let base = load ./busybox-layout;
in { default = base |> run "mkdir /a" |> run "touch -r /bin/ls /a" |> run "ls -d /a > /seen"; }
STRATA
build -o "oci:$T/layout:latest" || { cat "$T/err"; fail "the step after two identical layers failed"; }
manifest=$(jq -r '.manifests[0].digest' "$T/layout/index.json" | cut -d: -f2)
layers=$(jq -r '.layers[].digest' "$T/layout/blobs/sha256/$manifest")
[ "$(echo "$layers" | sort | uniq -d | wc -l)" = 1 ] || fail "the test needs one layer twice; layers: $layers"
umoci unpack --image "$T/layout:latest" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/seen")" = /a ] || fail "the last step did not see /a"
echo "PASS"
