#!/usr/bin/env bash
# A remote cache entry whose parts are each digest-consistent but do not belong together: the
# RUN step's entry of program "one", rewritten in Debian's docker-registry so that its manifest
# and record name the layer program "two" made for its RUN step, while the record still gives
# "one"'s diff_id. Every blob matches its digest; only the layer's uncompressed content (its
# diff_id) shows the swap. A build from that cache must refuse the entry (a warning) and give
# the image a fresh build gives, and a later build of a step on top must not fail on it.
source "$(dirname "$0")/lib.sh"
source "$HERE/fixtures/registry.sh"
registry_for_test
repo=strata/cache
cache=docker://$host/$repo
api=http://$host/v2/$repo

mkdir -p "$T/one" "$T/two"
cp -r "$T/busybox-layout" "$T/one/busybox-layout"
mv "$T/busybox-layout" "$T/two/busybox-layout"
for w in one two; do
  cat >"$T/$w/build.strata" <<STRATA
let
  step = load ./busybox-layout |> run "echo $w > /msg";
in {
  default = step;
  above = step |> run "cat /msg > /msg2";
}
STRATA
done
# build_in DIR ARGS...: strata build in $T/DIR, stdout to $T/out, stderr to $T/err.
build_in() {
  local dir=$1
  shift
  (cd "$T/$dir" && "$STRATA" build --progress plain "$@") >"$T/out" 2>"$T/err"
}

# The fresh images of "one" (its own store, no cache).
export STRATA_STORE=$T/store-fresh
build_in one -o "oci:$T/fresh:x" || { cat "$T/err"; fail "fresh build of one"; }
fresh=$(digest)
build_in one above || { cat "$T/err"; fail "fresh build of one's above"; }
fresh_above=$(digest)

# Both programs' RUN steps pushed to the cache.
tags() { curl -sf "$api/tags/list" | jq -r '.tags // [] | .[]' | sort; }
export STRATA_STORE=$T/store-push
build_in one --cache-to "$cache" || { cat "$T/err"; fail "push of one"; }
tags >"$T/tags-one"
build_in two --cache-to "$cache" || { cat "$T/err"; fail "push of two"; }
tags >"$T/tags-all"
# entry TAG: the manifest; record TAG: its record blob.
manifest() { curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$api/manifests/$1"; }
record() { curl -sf "$api/blobs/$(manifest "$1" | jq -r .config.digest)"; }
run_tag() { # the tag of the RUN entry among the tags in $1 whose step echoes $2
  for tag in $(cat "$1"); do
    record "$tag" | jq -e --arg w "$2" '.image.history | any(.created_by | tostring | contains("echo " + $w))' \
      >/dev/null 2>&1 && manifest "$tag" | jq -e '.layers | length == 2' >/dev/null && { echo "$tag"; return; }
  done
  true
}
tag_one=$(run_tag "$T/tags-one" one)
tag_two=$(comm -13 "$T/tags-one" "$T/tags-all" >"$T/tags-two"; run_tag "$T/tags-two" two)
[ -n "$tag_one" ] && [ -n "$tag_two" ] || fail "the RUN entries were not pushed: $(cat "$T/tags-all")"

# The forgery: one's manifest and record with two's RUN layer (digest, size), one's diff_id.
manifest "$tag_one" >"$T/m1"
record "$tag_one" >"$T/r1"
layer_two=$(manifest "$tag_two" | jq -c '.layers[1]')
jq -c --argjson l "$layer_two" '.image.layers[1].digest = $l.digest | .image.layers[1].size = $l.size' \
  "$T/r1" | tr -d '\n' >"$T/r1-forged"
cmp -s "$T/r1" "$T/r1-forged" && fail "the forged record is the original"
record_digest=sha256:$(sha256sum "$T/r1-forged" | cut -d' ' -f1)
upload=$(curl -sf -X POST -D - -o /dev/null "$api/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
case $upload in http*) ;; *) upload=http://$host$upload ;; esac
sep='?'
case $upload in *\?*) sep='&' ;; esac
curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$T/r1-forged" \
  "$upload${sep}digest=$record_digest" >/dev/null || fail "uploading the forged record"
jq -c --argjson l "$layer_two" --arg d "$record_digest" --argjson s "$(stat -c %s "$T/r1-forged")" \
  '.layers[1] = $l | .config.digest = $d | .config.size = $s' "$T/m1" | tr -d '\n' >"$T/m1-forged"
curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
  --data-binary "@$T/m1-forged" "$api/manifests/$tag_one" >/dev/null || fail "putting the forged manifest"
[ "$(manifest "$tag_one" | jq -r .config.digest)" = "$record_digest" ] || fail "the registry does not serve the forgery"

# An empty store building "one" from that cache: the entry is refused, the image is fresh's.
export STRATA_STORE=$T/store-c
build_in one --cache-from "$cache" -o "oci:$T/c:x" || { cat "$T/err"; fail "build from the forged cache"; }
[ "$(digest)" = "$fresh" ] || { cat "$T/err"; fail "the forged cache entry gave $(digest), a fresh build $fresh"; }
expect_contains "$T/err" "is refused"
expect_contains "$T/err" "diff_id"
# A step on top, in the same store, builds (nothing the refused entry left is trusted).
build_in one --cache-from "$cache" above || { cat "$T/err"; fail "a step above the refused entry"; }
[ "$(digest)" = "$fresh_above" ] || fail "above: $(digest), a fresh build $fresh_above"
"$STRATA" store verify --store "$STRATA_STORE" >"$T/verify" 2>&1 || { cat "$T/verify"; fail "store C does not verify"; }
echo PASS
