#!/usr/bin/env bash
# A multi-MB COPY layer (text, random bytes, a repeated random block, empty and small files)
# written with parallel gzip and with multi-threaded zstd: the blobs pass `gzip -t` / `zstd -t`
# (and `pigz -t` when installed), umoci (Go's readers; skopeo's for zstd) unpacks them to exactly
# the source tree,
# and the diff_id does not depend on the compression (issue 14).
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w/tree/a/b" "$T/w/tree/c"
python3 - "$T/w/tree" <<'PY'
import os, random, sys
root = sys.argv[1]
rng = random.Random(14)
text = " ".join(rng.choice(["layer", "chunk", "deflate", "zstd", "tar", "strata"]) for _ in range(600000)).encode()
open(os.path.join(root, "a/text.txt"), "wb").write(text)                       # ~4 MB, compressible
open(os.path.join(root, "a/b/random.bin"), "wb").write(rng.randbytes(5 << 20))  # stored chunks
block = rng.randbytes(20000)
open(os.path.join(root, "c/repeated.bin"), "wb").write(block * 150)             # flat bytes, but repeats
open(os.path.join(root, "c/empty"), "wb").close()
for i in range(300):
    open(os.path.join(root, "c/small%03d" % i), "wb").write(rng.randbytes(i * 37))
PY
cat >"$T/w/build.strata" <<'STRATA'
{ default = scratch |> copy ./tree "/tree"; }
STRATA

for kind in gzip zstd; do
  build --compression "$kind" -o "oci:$T/$kind:v1" || { cat "$T/err"; fail "$kind build failed"; }
  manifest=$(jq -r '.manifests[0].digest' "$T/$kind/index.json" | cut -d: -f2)
  layer=$(jq -r '.layers[0].digest' "$T/$kind/blobs/sha256/$manifest" | cut -d: -f2)
  blob=$T/$kind/blobs/sha256/$layer
  [ "$(stat -c %s "$blob")" -gt 3000000 ] || fail "$kind: the layer is smaller than its incompressible part"
  case $kind in
    gzip)
      gzip -t "$blob" || fail "gzip -t refuses the layer"
      if command -v pigz >/dev/null; then pigz -t "$blob" || fail "pigz -t refuses the layer"; fi
      gzip -dc "$blob" | sha256sum | cut -d' ' -f1 >"$T/diff-$kind" ;;
    zstd)
      zstd -q -t "$blob" || fail "zstd -t refuses the layer"
      zstd -q -dc "$blob" | sha256sum | cut -d' ' -f1 >"$T/diff-$kind" ;;
  esac
  config=$(jq -r '.config.digest' "$T/$kind/blobs/sha256/$manifest" | cut -d: -f2)
  [ "sha256:$(cat "$T/diff-$kind")" = "$(jq -r '.rootfs.diff_ids[0]' "$T/$kind/blobs/sha256/$config")" ] ||
    fail "$kind: the config's diff_id is not the digest of the uncompressed layer"
  image=$T/$kind:v1
  if [ "$kind" = zstd ]; then
    # Debian's umoci reads no zstd layers: skopeo (Go's zstd reader) recompresses it first.
    skopeo copy --quiet --dest-compress-format gzip "oci:$T/$kind:v1" "oci:$T/$kind-as-gzip:v1" ||
      fail "skopeo cannot read the zstd layer"
    image=$T/$kind-as-gzip:v1
  fi
  umoci unpack --image "$image" "$T/bundle-$kind" >/dev/null || fail "umoci cannot unpack the $kind layer"
  diff -r "$T/w/tree" "$T/bundle-$kind/rootfs/tree" || fail "$kind: the unpacked tree differs from the source"
done
# The same tar under both compressions.
[ "$(cat "$T/diff-gzip")" = "$(cat "$T/diff-zstd")" ] || fail "the diff_id depends on the compression"
echo "PASS"
