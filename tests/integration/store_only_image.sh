#!/usr/bin/env bash
# An image that stays in the store (docs/cli.md `strata build`, docs/runtime.md "Deferred
# compression"): `strata build` without -o keeps every layer of the target as plain tar and
# prints the image ID (the config's digest); the same build with -o compresses them on demand
# to the manifest a store that compressed them as it built gives; the ID does not depend on
# the compression; `strata run` runs the uncompressed image.
source "$(dirname "$0")/lib.sh"

write_two_stage_program
# Every layer the build made (the busybox base's come compressed from its layout, as loaded).
layers() {
  local base
  base=$(jq -r 'select(.op == "load") | .image.layers[].digest' "$T/store/nodes"/*.json)
  for f in "$T/store/nodes"/*.json; do
    jq -r --arg base "$base" '.image.layers[]? | select(.digest as $d | $base | contains($d) | not) | "\(.deferred // false) \(.media_type)"' "$f"
  done | sort -u
}
config_of() {  # the config digest of the image tagged $2 in the layout $1
  local manifest
  manifest=$(jq -r --arg tag "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $tag) | .digest' "$1/index.json")
  jq -r .config.digest "$1/blobs/sha256/${manifest#sha256:}"
}

# Store only: nothing compressed, no memo; the ID printed is a config digest.
build || { cat "$T/err"; fail "store-only build failed"; }
id=$(digest)
[[ $id =~ ^sha256:[0-9a-f]{64}$ ]] || fail "expected an image ID, got '$id'"
layers >"$T/layers"
[ "$(cat "$T/layers")" = "true application/vnd.oci.image.layer.v1.tar" ] ||
  { cat "$T/layers"; fail "a store-only build compressed a layer"; }
! grep -l '"op": "compress"' "$T/store/nodes"/*.json >/dev/null 2>&1 || fail "a store-only build wrote a compressed-layer memo"
expect_not_contains "$T/err" "strata: manifest"
[ -f "$T/store/blobs/sha256/${id#sha256:}" ] || fail "the config $id is not in the store"

# The same image leaving the store: compressed on demand, with no node run again.
build -o "oci:$T/layout:v1" || { cat "$T/err"; fail "export build failed"; }
[ "$(digest)" = "$id" ] || fail "the export build printed $(digest), the store-only one $id"
expect_not_contains "$T/err" "start  "
manifest=$(manifest)
[ "$(skopeo inspect "oci:$T/layout:v1" | jq -r .Digest)" = "$manifest" ] || fail "stderr names manifest $manifest, skopeo sees another"
[ "$(config_of "$T/layout" v1)" = "$id" ] || fail "the layout's config is not the printed ID"
jq -r '.layers[].mediaType' "$T/layout/blobs/sha256/${manifest#sha256:}" | sort -u >"$T/types"
[ "$(cat "$T/types")" = "application/vnd.oci.image.layer.v1.tar+gzip" ] || { cat "$T/types"; fail "exported layers not all gzip"; }
umoci unpack --image "$T/layout:v1" "$T/bundle" >/dev/null
[ "$(run_bundle "$T/bundle")" = "HELLO FROM STRATA" ] || fail "the exported image does not run"

# A store that compressed in the pass (its first build exports) has the same manifest and ID.
STRATA_STORE=$T/fresh build -o "oci:$T/fresh-layout:v1" || { cat "$T/err"; fail "fresh export build failed"; }
[ "$(digest)" = "$id" ] || fail "fresh store: ID $(digest), expected $id"
[ "$(manifest)" = "$manifest" ] || fail "fresh store: another manifest"

# zstd: the same ID (the config names diff_ids), another manifest.
build --compression zstd || { cat "$T/err"; fail "zstd store-only build failed"; }
[ "$(digest)" = "$id" ] || fail "--compression zstd changed the ID"
build --compression zstd -o "oci:$T/layout:z" || { cat "$T/err"; fail "zstd export failed"; }
[ "$(digest)" = "$id" ] || fail "--compression zstd -o changed the ID"
zstd_manifest=$(manifest)
[ -n "$zstd_manifest" ] && [ "$zstd_manifest" != "$manifest" ] || fail "zstd gave the gzip manifest"
[ "$(config_of "$T/layout" z)" = "$id" ] || fail "the zstd image's config is not the ID"

# strata run runs the image from its plain layers.
(cd "$T/w" && "$STRATA" run --progress plain) >"$T/run" 2>"$T/run.err" || { cat "$T/run.err"; fail "strata run failed"; }
[ "$(cat "$T/run")" = "HELLO FROM STRATA" ] || fail "strata run printed $(cat "$T/run")"
echo "ok"
