#!/usr/bin/env bash
# runWith { network = true; sha256 = ... }: the step runs in the host's network namespace (runc,
# no network namespace of its own) and the build fails unless the step's output (the diff_id of
# its layer) matches the declaration. No address outside loopback is contacted: the step only
# compares its network namespace with the host's and writes a fixed file.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
host_ns=$(readlink /proc/self/ns/net)

# write_program SHA256: a step with network that records whether it shares the host's netns.
write_program() {
  cat >"$T/w/build.strata" <<STRATA
let
  base = load ./busybox-layout;
in {
  default = base
    |> runWith { network = true; sha256 = "$1"; env = [ "HOST_NS=$host_ns" ]; }
         "mkdir -p /out && if [ \"\$(readlink /proc/self/ns/net)\" = \"\$HOST_NS\" ]; then echo host > /out/net; else echo private > /out/net; fi";
}
STRATA
}

# A wrong checksum: the step runs, then the build fails naming both digests.
wrong=sha256:$(printf '0%.0s' {1..64})
write_program "$wrong"
if build; then fail "a wrong output checksum was accepted"; fi
expect_contains "$T/err" "output checksum mismatch"
expect_contains "$T/err" "declared $wrong"
actual=$(grep -o 'got sha256:[0-9a-f]\{64\}' "$T/err" | head -n1 | cut -d' ' -f2)
[[ $actual == sha256:* ]] || { cat "$T/err"; fail "the error does not show the actual digest"; }

# The right checksum: the build succeeds, and the step saw the host's network namespace.
write_program "$actual"
build -o "oci:$T/layout:v1" || { cat "$T/err"; fail "the right output checksum was rejected"; }
umoci unpack --image "$T/layout:v1" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/out/net")" = host ] || fail "the step did not run in the host's network namespace"
# The checksum is the layer's diff_id, as the image config records it.
skopeo inspect --config "oci:$T/layout:v1" | jq -r '.rootfs.diff_ids[-1]' >"$T/diff_id"
[ "$(cat "$T/diff_id")" = "$actual" ] || fail "diff_id $(cat "$T/diff_id") is not the checksum $actual"

# Same step without network: a private namespace, so a different output and checksum.
sed -i 's/network = true; sha256 = "[^"]*";//' "$T/w/build.strata"
build -o "oci:$T/layout2:v1" || { cat "$T/err"; fail "the step without network failed"; }
rm -rf "$T/bundle"
umoci unpack --image "$T/layout2:v1" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/out/net")" = private ] || fail "a step without network shared the host's namespace"

# Warm rebuild of the checksummed step: a cache hit.
write_program "$actual"
build || { cat "$T/err"; fail "warm rebuild failed"; }
expect_not_contains "$T/err" "start"
echo "PASS"
