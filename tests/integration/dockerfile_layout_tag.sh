#!/usr/bin/env bash
# `--build-context NAME=oci-layout://DIR:TAG` picks the image of that tag in a layout holding
# several; `strata import` translates it as `loadTag "TAG" ./DIR` and builds to the same digest.
source "$(dirname "$0")/lib.sh"

# A layout with two images: busybox as "latest" and busybox plus /marker as "marked".
cp -r "$T/busybox-layout" "$T/layout"
mkdir -p "$T/w/base"
cat >"$T/w/base/build.strata" <<EOF
{ default = loadTag "latest" ($T/layout) |> run "echo marked > /marker"; }
EOF
build -f base/build.strata -o "oci:$T/layout:marked" || { cat "$T/err"; fail "building the marked image failed"; }
[ "$(jq '.manifests | length' "$T/layout/index.json")" = 2 ] || fail "the layout does not hold two images"

mkdir -p "$T/w/ctx"
printf 'FROM base\nRUN cat /marker > /seen\n' >"$T/w/ctx/Dockerfile"
build -f ctx/Dockerfile --build-context "base=oci-layout://$T/layout:marked" -o "oci:$T/result:latest" \
  || { cat "$T/err"; fail "build failed"; }
direct=$(digest)
umoci unpack --image "$T/result:latest" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/seen")" = marked ] || fail "FROM did not use the tagged image"

(cd "$T/w" && "$STRATA" import --build-context "base=oci-layout://$T/layout:marked" -o ctx/build.strata ctx/Dockerfile) \
  || fail "import failed"
expect_contains "$T/w/ctx/build.strata" 'loadTag "marked"'
build -f ctx/build.strata || { cat "$T/err"; fail "building the translation failed"; }
[ "$(digest)" = "$direct" ] || fail "the translation builds to $(digest), the Dockerfile to $direct"
echo "dockerfile_layout_tag: ok"
