# COPY --from a stage, of each shape the listed copy (docs/runtime.md, "COPY out of a stage")
# takes or declines: a builder from the context (one layer, streamed from its tar, with set-id
# modes, owners, an empty file, a symlink, a long name), and a two-layer base whose upper layer
# whites out a file and makes a folder opaque (declined: merged from both layers), each copied
# whole, as a file and a sub-folder, and with --chown; and a third base layer written as other
# tar writers do (python's tarfile): upper names spelled out//b and ./out/./c, and GNU-format
# headers with an atime where ustar has its name prefix. (A layer naming a path twice, which
# tests/integration/copy_from_stage_foreign_names.sh covers, dockerd refuses to load.)
mkdir -p base/l1/out/d base/l2/out/d src/tree/sub/ro "src/tree/$(printf 'n%.0s' $(seq 1 120))"
echo a >base/l1/out/a; echo b >base/l1/out/b; echo x >base/l1/out/d/x; echo e >base/l1/out/e
echo y >base/l2/out/d/y; echo c >base/l2/out/c
: >base/l2/out/.wh.a; : >base/l2/out/d/.wh..wh..opq
echo f >src/tree/file; chmod 4755 src/tree/file; : >src/tree/empty; ln -s file src/tree/link
echo deep >"src/tree/$(printf 'n%.0s' $(seq 1 120))/f"; echo r >src/tree/sub/ro/r; chmod 555 src/tree/sub/ro
tar -C base/l1 --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -cf base/l1.tar out
tar -C base/l2 --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -cf base/l2.tar out
PYTHONPATH="$(dirname "$0")/../fixtures" python3 - base/l3.tar <<'PY'
import io, sys, tarfile
from gnu_tar_times import stamp_gnu_atimes
# The members of a tar in format `fmt`, without its end blocks (data None: a directory).
def entries(fmt, items):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for name, data in items:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
                continue
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
        end = tar.offset
    return bytearray(buf.getvalue()[:end])
# Each replaces a file of a lower layer (their `out` directory entry is right).
plain = entries(tarfile.USTAR_FORMAT, [("out", None), ("out//b", b"b2\n"), ("./out/./c", b"c2\n")])
gnu = entries(tarfile.GNU_FORMAT, [("out/e", b"gnu\n")])
stamp_gnu_atimes(gnu)
open(sys.argv[1], "wb").write(bytes(plain + gnu) + bytes(1024))
PY
l1=$(sha256sum base/l1.tar | cut -d' ' -f1); l2=$(sha256sum base/l2.tar | cut -d' ' -f1)
l3=$(sha256sum base/l3.tar | cut -d' ' -f1)
jq -cn --arg a "sha256:$l1" --arg b "sha256:$l2" --arg c "sha256:$l3" \
  '{architecture: "amd64", os: "linux", config: {}, rootfs: {type: "layers", diff_ids: [$a, $b, $c]}}' >base/config.json
cfg=$(sha256sum base/config.json | cut -d' ' -f1)
jq -cn --arg c "$cfg.json" '[{Config: $c, RepoTags: ["strata-diff-base:latest"], Layers: ["l1.tar", "l2.tar", "l3.tar"]}]' >base/manifest.json
cp base/config.json "base/$cfg.json"
tar -C base --mtime=@0 -cf base.tar manifest.json "$cfg.json" l1.tar l2.tar l3.tar
mkdir -p base-layout/blobs/sha256
cp base/l1.tar "base-layout/blobs/sha256/$l1"; cp base/l2.tar "base-layout/blobs/sha256/$l2"
cp base/l3.tar "base-layout/blobs/sha256/$l3"
cp base/config.json "base-layout/blobs/sha256/$cfg"
jq -cn --arg c "sha256:$cfg" --argjson cs "$(stat -c %s base/config.json)" \
  --arg a "sha256:$l1" --argjson asize "$(stat -c %s base/l1.tar)" --arg b "sha256:$l2" --argjson bsize "$(stat -c %s base/l2.tar)" \
  --arg l3 "sha256:$l3" --argjson l3size "$(stat -c %s base/l3.tar)" \
  '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
    layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $a, size: $asize},
             {mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $b, size: $bsize},
             {mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l3, size: $l3size}]}' >base-layout/manifest.json
m=$(sha256sum base-layout/manifest.json | cut -d' ' -f1)
jq -cn --arg m "sha256:$m" --argjson s "$(stat -c %s base-layout/manifest.json)" \
  '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $s}]}' \
  >base-layout/index.json
mv base-layout/manifest.json "base-layout/blobs/sha256/$m"
echo '{"imageLayoutVersion": "1.0.0"}' >base-layout/oci-layout
rm -rf base
cat >Dockerfile <<'DF'
FROM strata-diff-base AS merged
FROM scratch AS built
COPY src /
FROM scratch
COPY --from=built /tree /tree
COPY --from=built /tree/file /file
COPY --from=built /tree/sub /sub
COPY --from=built --chown=7:8 /tree /chowned
COPY --from=merged /out /out
COPY --from=merged /out/d /d
COPY --from=merged --chown=7:8 /out /out-chowned
COPY --from=merged /out/b /out/c /out/e /picked/
DF
