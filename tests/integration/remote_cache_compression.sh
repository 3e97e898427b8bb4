#!/usr/bin/env bash
# A remote cache entry of another compression offered for this build's node, in Debian's
# docker-registry: the RUN step's entry pushed with --compression zstd, put under the tag of
# the gzip build's entry: as it is (its key annotation names the zstd record key), then with
# that annotation rewritten and its layer's media type said to be gzip. Every blob matches its
# digest and the layer's tar has the diff_id the gzip build's record names. A gzip build from
# that cache must give the image a fresh gzip build gives (refuse the entry and build here).
# Not here: the zstd entry with only its annotation rewritten is taken (an honest zstd layer
# under a forged key; docs/store.md "What the checks do not prove").
source "$(dirname "$0")/lib.sh"
source "$HERE/fixtures/registry.sh"
registry_for_test
repo=strata/cache
cache=docker://$host/$repo
api=http://$host/v2/$repo

mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
cat >"$T/w/build.strata" <<'STRATA'
{ default = load ./busybox-layout |> run "echo made-here > /msg && echo ran-the-step"; }
STRATA

# The fresh gzip image (its own store, no cache).
export STRATA_STORE=$T/store-fresh
build -o "oci:$T/fresh:x" || { cat "$T/err"; fail "fresh build"; }
fresh=$(manifest)
[ -n "$fresh" ] || fail "no manifest line: $(cat "$T/err")"

# The RUN step's entries, pushed by a gzip and a zstd build.
tags() { curl -sf "$api/tags/list" | jq -r '.tags // [] | .[]' | sort; }
entry() { curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$api/manifests/$1"; }
run_tag() { # the tag among those in $1 whose entry has two layers (busybox's and the RUN's)
  for tag in $(cat "$1"); do
    entry "$tag" | jq -e '.layers | length == 2' >/dev/null && { echo "$tag"; return; }
  done
  true
}
export STRATA_STORE=$T/store-push
build --cache-to "$cache" || { cat "$T/err"; fail "push of the gzip build"; }
tags >"$T/tags-gzip"
build --compression zstd --cache-to "$cache" || { cat "$T/err"; fail "push of the zstd build"; }
tags >"$T/tags-all"
tag_gzip=$(run_tag "$T/tags-gzip")
tag_zstd=$(comm -13 "$T/tags-gzip" "$T/tags-all" >"$T/tags-zstd"; run_tag "$T/tags-zstd")
[ -n "$tag_gzip" ] && [ -n "$tag_zstd" ] || fail "the RUN entries were not pushed: $(cat "$T/tags-all")"
entry "$tag_zstd" >"$T/m-zstd"
jq -e '.layers[1].mediaType | endswith("+zstd")' "$T/m-zstd" >/dev/null || fail "zstd entry: $(cat "$T/m-zstd")"
key_gzip=${tag_gzip#strata-cache-v1-}

put_blob() { # FILE: uploads it, prints its digest
  local digest upload sep='?'
  digest=sha256:$(sha256sum "$1" | cut -d' ' -f1)
  upload=$(curl -sf -X POST -D - -o /dev/null "$api/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  case $upload in http*) ;; *) upload=http://$host$upload ;; esac
  case $upload in *\?*) sep='&' ;; esac
  curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$1" \
    "$upload${sep}digest=$digest" >/dev/null || fail "uploading $1"
  echo "$digest"
}
put_entry() { # FILE: the manifest under the gzip build's tag
  curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "@$1" "$api/manifests/$tag_gzip" >/dev/null || fail "putting $1"
  [ "$(entry "$tag_gzip" | sha256sum)" = "$(sha256sum <"$1")" ] || fail "the registry does not serve $1"
}
# from_cache NAME: an empty store builds from the cache; the image must be the fresh one.
from_cache() {
  export STRATA_STORE=$T/store-$1
  build --cache-from "$cache" -o "oci:$T/$1:x" || { cat "$T/err"; fail "$1: build from the cache"; }
  [ "$(manifest)" = "$fresh" ] || { cat "$T/err"; fail "$1: the cache gave manifest $(manifest), a fresh build $fresh"; }
  "$STRATA" store verify --store "$STRATA_STORE" >"$T/verify" 2>&1 || { cat "$T/verify"; fail "$1: the store does not verify"; }
}

# 1. The zstd entry as it is, under the gzip tag: its annotation names another key.
put_entry "$T/m-zstd"
from_cache retagged
expect_contains "$T/err" "ran-the-step"

# 2. Its annotation rewritten to the gzip key and its RUN layer's media type said to be gzip, in
#    the manifest and the record: the blob is still zstd.
curl -sf "$api/blobs/$(jq -r .config.digest "$T/m-zstd")" >"$T/r-zstd"
jq -c '.image.layers[1].mediaType = "application/vnd.oci.image.layer.v1.tar+gzip"' "$T/r-zstd" \
  | tr -d '\n' >"$T/r-relabelled"
record=$(put_blob "$T/r-relabelled")
jq -c --arg k "$key_gzip" --arg d "$record" --argjson s "$(stat -c %s "$T/r-relabelled")" \
  '.annotations["dev.strata.cache.key"] = $k | .config.digest = $d | .config.size = $s
   | .layers[1].mediaType = "application/vnd.oci.image.layer.v1.tar+gzip"' "$T/m-zstd" \
  | tr -d '\n' >"$T/m-relabelled"
put_entry "$T/m-relabelled"
from_cache relabelled
expect_contains "$T/err" "ran-the-step"
echo PASS
