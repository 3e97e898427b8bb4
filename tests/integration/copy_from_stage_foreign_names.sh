#!/usr/bin/env bash
# COPY out of a loaded image whose uncompressed layers spell names as other tar writers do
# (docs/runtime.md, "COPY out of a stage"): the copy that lists the path from a layer's tar
# index must give what the layers give extracted (the slow path, forced here by a wildcard
# that matches the same one path). A name written twice in one layer (`tar -r`) is the last
# one's bytes; an upper layer's `out//f`, `out/./f` or `././out/f` is `out/f` and hides the
# lower layer's; a name that climbs out of the layer (`out/../out/f`) is refused either way; a
# regular-file entry whose name ends in `/` (old tars) is a directory, as libarchive reads it;
# a GNU-format header's atime is not a name prefix.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w"
# make_image FILE LAYER... : a docker-archive of uncompressed ustar layers; each LAYER is a
# `;`-separated list of `NAME` (a directory) or `NAME=TEXT` (a regular file holding TEXT and a
# newline; `NAME=` an empty one). A LAYER starting `gnu:` is in GNU tar's format with an atime
# in every header (GNU's field where ustar has its name prefix; GNU tar's incremental dumps
# and Go's archive/tar write it).
make_image() {
  PYTHONPATH="$HERE/fixtures" python3 - "$@" <<'PY'
import hashlib, io, json, sys, tarfile
from gnu_tar_times import stamp_gnu_atimes
out, specs = sys.argv[1], sys.argv[2:]
layers = []
for spec in specs:
    gnu = spec.startswith("gnu:")
    spec = spec[4:] if gnu else spec
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT if gnu else tarfile.USTAR_FORMAT) as tar:
        for item in spec.split(";"):
            name, eq, text = item.partition("=")
            info = tarfile.TarInfo(name)
            if not eq:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                data = (text + "\n").encode() if text else b""
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
    layer = bytearray(buf.getvalue())
    if gnu:
        stamp_gnu_atimes(layer)
    layers.append(bytes(layer))
names = ["l%d.tar" % i for i in range(len(layers))]
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {}, "rootfs": {
    "type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(l).hexdigest() for l in layers]}}).encode()
manifest = json.dumps([{"Config": "config.json", "RepoTags": ["foreign:1"], "Layers": names}]).encode()
with tarfile.open(out, "w") as archive:
    for name, data in [("manifest.json", manifest), ("config.json", config)] + list(zip(names, layers)):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
PY
}

# check LABEL SELECT GLOB EXPECTED LAYER...: `copy (image / SELECT) "/x/"` gives /x/f = EXPECTED
# with the layer of the same copy through GLOB (the slow path), each on a fresh store.
failed=()
check() {
  local label=$1 select=$2 glob=$3 expected=$4
  shift 4
  make_image "$T/w/foreign.tar" "$@"
  cat >"$T/w/build.strata" <<STRATA
let image = load ./foreign.tar;
in { default = scratch |> copy (image / "$select") "/x/"; slow = scratch |> copy (image / "$glob") "/x/"; }
STRATA
  local variant layers=()
  for variant in default slow; do
    rm -rf "$T/store" "$T/layout" "$T/bundle"
    if ! build "$variant" -o "oci:$T/layout:t"; then
      echo "--- $label ($variant): build failed" >&2; cat "$T/err" >&2; failed+=("$label"); return
    fi
    umoci unpack --image "$T/layout:t" "$T/bundle" >/dev/null
    local got
    got=$(tr -d '\0' <"$T/bundle/rootfs/x/f")
    if [ "$got" != "$expected" ]; then
      echo "--- $label ($variant): /x/f is '$got', the layers give '$expected'" >&2; failed+=("$label")
    fi
    local manifest
    manifest=$(jq -r '.manifests[0].digest' "$T/layout/index.json")
    layers+=("$(jq -r '.layers[-1].digest' "$T/layout/blobs/sha256/${manifest#sha256:}")")
  done
  [ "${layers[0]}" = "${layers[1]}" ] ||
    { echo "--- $label: the listed copy's layer ${layers[0]}, the slow path's ${layers[1]}" >&2; failed+=("$label"); }
}

# One layer, out/f written twice: the extractor keeps the last (longer) one.
check twice /out /[o]ut BBBBBBBB 'out;out/f=AAAA;out/f=BBBBBBBB'
check twice-file /out/f /out/[f] BBBBBBBB 'out;out/f=AAAA;out/f=BBBBBBBB'
# The upper layer's spelling of out/f hides the lower layer's file.
for name in 'out//f' 'out/./f' '././out/f'; do
  check "upper $name" /out/f /out/[f] BBBBBBBB 'out;out/f=AAAA' "out;$name=BBBBBBBB"
  check "upper $name, no dir entry" /out/f /out/[f] BBBBBBBB 'out;out/f=AAAA' "$name=BBBBBBBB"
  check "upper $name, dir" /out /[o]ut BBBBBBBB 'out;out/f=AAAA' "$name=BBBBBBBB"
done

# The upper layer in GNU's format: its atime is no part of its names.
check "upper gnu" /out/f /out/[f] BBBBBBBB 'out;out/f=AAAA' 'gnu:out;out/f=BBBBBBBB'

# A name that climbs out of its layer: refused by the listed copy as by the extraction.
make_image "$T/w/foreign.tar" 'out;out/f=AAAA' 'out;out/../out/f=BBBBBBBB'
printf 'let image = load ./foreign.tar;\nin { default = scratch |> copy (image / "/out/f") "/x/"; }\n' >"$T/w/build.strata"
rm -rf "$T/store"
if build; then
  failed+=(escape-accepted)
else
  grep -q "entry 'out/../out/f' escapes the layer root" "$T/err" || { cat "$T/err" >&2; failed+=(escape-message); }
fi

# A regular file entry named `out/d/`: the extractor makes the directory out/d.
make_image "$T/w/foreign.tar" 'out;out/d/='
printf 'let image = load ./foreign.tar;\nin { default = scratch |> copy (image / "/out/d") "/x"; slow = scratch |> copy (image / "/out/[d]") "/x"; }\n' >"$T/w/build.strata"
kinds=()
for variant in default slow; do
  rm -rf "$T/store" "$T/layout" "$T/bundle"
  build "$variant" -o "oci:$T/layout:t" || { cat "$T/err" >&2; fail "trailing slash ($variant): build failed"; }
  umoci unpack --image "$T/layout:t" "$T/bundle" >/dev/null
  kinds+=("$(stat -c %F "$T/bundle/rootfs/x")")
done
[ "${kinds[*]}" = "directory directory" ] || failed+=("trailing-slash file: ${kinds[*]}")

[ ${#failed[@]} -eq 0 ] || fail "listed copies differ from the extracted layers: ${failed[*]}"
echo PASS
