#!/usr/bin/env bash
# File capabilities (the security.capability xattr) survive as BuildKit keeps them: through a
# RUN that touches the file (the step's layer), a copy out of a stage (also of a loaded image,
# with --chown and --chmod, and of a whole folder), an ADD of an archive recording one, in
# Strata and in a Dockerfile; a file of the build context keeps none (BuildKit's context COPY drops it too: checked with docker.io
# 20.10's BuildKit when this test was written). The image then runs its binary as a non-root
# user with the capability in effect. Before, every layer Strata wrote dropped it.
source "$(dirname "$0")/lib.sh"

# cap_net_raw+ep, as `setcap` writes it (VFS_CAP_REVISION_2 with the effective bit, permitted
# bit 13): made with python3, so the test needs no libcap2-bin.
cap_hex=0100000200200000000000000000000000000000
setcap_py() { python3 -c 'import os,sys; os.setxattr(sys.argv[1], "security.capability", bytes.fromhex(sys.argv[2]), follow_symlinks=False)' "$1" "$cap_hex"; }
# Prints a file's capability in hex, or "none".
getcap_py() {
  python3 -c '
import os, sys
try: print(os.getxattr(sys.argv[1], "security.capability", follow_symlinks=False).hex())
except OSError: print("none")' "$1"
}

# The busybox base with one more layer: /bin/capped, a copy of busybox with cap_net_raw.
umoci unpack --image "$T/busybox-layout:latest" "$T/base-bundle" >/dev/null
cp "$T/base-bundle/rootfs/bin/busybox" "$T/base-bundle/rootfs/bin/capped"
setcap_py "$T/base-bundle/rootfs/bin/capped"
[ "$(getcap_py "$T/base-bundle/rootfs/bin/capped")" = "$cap_hex" ] || fail "this file system keeps no security.capability"
umoci repack --image "$T/busybox-layout:latest" "$T/base-bundle" >/dev/null
mkdir -p "$T/w/ctx"
mv "$T/busybox-layout" "$T/w/base-layout"
cp "$T/base-bundle/rootfs/bin/capped" "$T/w/ctx/capped"
setcap_py "$T/w/ctx/capped"
# An archive holding it with its capability (GNU tar's SCHILY.xattr record), for ADD.
tar --xattrs --xattrs-include=security.capability -C "$T/w/ctx" -cf "$T/w/ctx/caps.tar" capped

cat >"$T/w/build.strata" <<'STRATA'
let
  base = load ./base-layout;
  touched = base |> run "touch /bin/capped && echo x > /new";
  # A path only the RUN's layer holds (overlayfs copies the file up with its xattrs).
  moved = base |> run "mkdir /moved && mv /bin/capped /moved/capped";
in {
  default = touched;
  copied = scratch
    |> copy (touched / "/bin/capped") "/from-run/busybox"
    |> copy (moved / "/moved/capped") "/from-moved"
    |> copy (base / "/bin/capped") "/from-base"
    |> copy (base / "/bin/busybox") "/bin/busybox"
    |> copy ./ctx/capped "/from-context";
}
STRATA
cat >"$T/w/ctx/Dockerfile" <<'DOCKERFILE'
FROM base AS touched
RUN touch /bin/capped
FROM scratch
COPY --from=touched --chown=1000:1000 /bin/capped /chowned
COPY --from=touched --chmod=700 /bin/capped /chmoded
COPY --from=base /bin /bin2
COPY capped /from-context
ADD caps.tar /added/
DOCKERFILE

# expect IMAGE_DIR PATH CAP_HEX|none
expect() {
  local got
  got=$(getcap_py "$1/rootfs$2")
  [ "$got" = "$3" ] || fail "$2 in $(basename "$1"): capability $got, expected $3"
}
unpack() { rm -rf "$T/$2"; umoci unpack --image "$1" "$T/$2" >/dev/null; }

build default -o "oci:$T/layout:default" || { cat "$T/err" >&2; fail "build default"; }
unpack "$T/layout:default" default
expect "$T/default" /bin/capped "$cap_hex"
expect "$T/default" /new none
build copied -o "oci:$T/layout:copied" || { cat "$T/err" >&2; fail "build copied"; }
copied_digest=$(digest)
unpack "$T/layout:copied" copied
expect "$T/copied" /from-run/busybox "$cap_hex"
expect "$T/copied" /from-base "$cap_hex"
expect "$T/copied" /from-moved "$cap_hex"
expect "$T/copied" /bin/busybox none
expect "$T/copied" /from-context none

build -f ctx/Dockerfile --context ctx --build-context base=oci-layout://base-layout \
  -o "oci:$T/layout:dockerfile" || { cat "$T/err" >&2; fail "build the Dockerfile"; }
unpack "$T/layout:dockerfile" dockerfile
expect "$T/dockerfile" /chowned "$cap_hex"
expect "$T/dockerfile" /chmoded "$cap_hex"
expect "$T/dockerfile" /bin2/capped "$cap_hex"
expect "$T/dockerfile" /bin2/busybox none
expect "$T/dockerfile" /from-context none
expect "$T/dockerfile" /added/capped "$cap_hex"
[ "$(stat -c '%u:%g %a' "$T/dockerfile/rootfs/chowned")" = "1000:1000 755" ] || fail "chowned: $(stat -c '%u:%g %a' "$T/dockerfile/rootfs/chowned")"
[ "$(stat -c %a "$T/dockerfile/rootfs/chmoded")" = 700 ] || fail "chmoded: $(stat -c %a "$T/dockerfile/rootfs/chmoded")"

# The layer records it as Docker's tars do, one pax record and no other xattr record.
layer=$(jq -r '.layers[-1].digest' "$T/layout/blobs/sha256/$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "default") | .digest' "$T/layout/index.json" | cut -d: -f2)" | cut -d: -f2)
zcat "$T/layout/blobs/sha256/$layer" >"$T/run-layer.tar"
grep -a -q 'SCHILY.xattr.security.capability=' "$T/run-layer.tar" || fail "no SCHILY.xattr record in the RUN layer"
if grep -a -q 'LIBARCHIVE.xattr' "$T/run-layer.tar"; then fail "a LIBARCHIVE.xattr record in the RUN layer"; fi

# In effect: a non-root user running the copied binary has cap_net_raw (bit 13) effective.
bundle=$T/copied
jq '.process.user = {uid: 1000, gid: 1000} | .process.args = ["/from-run/busybox", "cat", "/proc/self/status"]
    | .process.capabilities.bounding += ["CAP_NET_RAW"] | .process.noNewPrivileges = false' "$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"
run_bundle "$bundle" >"$T/status"
expect_contains "$T/status" "CapEff:	0000000000002000"

# A fresh store gives the same image. There the `moved` RUN's layer is a deferred plain tar,
# and the copy of /moved/capped reads the file and its capability's pax record where they lie,
# without extracting the layer (stage_selection.h).
STRATA_STORE=$T/store2 build copied || fail "fresh build"
[ "$(digest)" = "$copied_digest" ] || fail "fresh store: $(digest), warm: $copied_digest"
moved_layer=""
for d in $(jq -r 'select(.op == "exec") | .image.layers[-1] | select(.deferred) | .diff_id' "$T/store2/nodes"/*.json); do
  tar -tf "$T/store2/blobs/sha256/${d#sha256:}" >"$T/listing"
  if grep -qx 'moved/capped' "$T/listing"; then moved_layer=$d; fi
done
[[ $moved_layer == sha256:* ]] || fail "no deferred RUN layer holding moved/capped: $moved_layer"
[ ! -e "$T/store2/layers/${moved_layer#sha256:}" ] || fail "the RUN's layer was extracted: the copy took the slow path"
echo "ok: file capabilities kept through RUN layers and copies out of stages, not from the context"
