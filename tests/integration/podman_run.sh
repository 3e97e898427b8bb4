#!/usr/bin/env bash
# podman runs Strata's images: a two-stage busybox program built with gzip layers (several gzip
# members each, docs/images.md) and with zstd, as a docker-archive (`podman load`) and as an
# oci-archive (`podman run oci-archive:FILE`), with podman's storage, run root and
# containers.conf (runc, ulimits this sandbox can grant) all under the test's temp dir; podman's
# image ID is the one `strata build` printed.
source "$(dirname "$0")/lib.sh"

cat >"$T/containers.conf" <<'CONF'
[engine]
runtime="runc"
[containers]
default_ulimits=["nofile=20000:20000","nproc=32768:32768"]
CONF
printf '[storage]\ndriver = "overlay"\nrunroot = "%s"\ngraphroot = "%s"\n' \
  "$T/podman-run" "$T/podman-root" >"$T/storage.conf"
export CONTAINERS_CONF=$T/containers.conf CONTAINERS_STORAGE_CONF=$T/storage.conf
pm() { podman --cgroup-manager=cgroupfs "$@"; }
cleanup_podman() {
  pm rm -a -f >/dev/null 2>&1 || true
  pm rmi -a -f >/dev/null 2>&1 || true
  umount -R "$T/podman-root/overlay" 2>/dev/null || true
  cleanup
}
trap cleanup_podman EXIT

write_two_stage_program

for compression in gzip zstd; do
  build --compression "$compression" -o "docker-archive:$T/$compression.tar:strata/podman:$compression" \
    -o "oci-archive:$T/$compression-oci.tar:$compression" || { cat "$T/err"; fail "build ($compression)"; }
  config_digest=$(tar -xOf "$T/$compression.tar" manifest.json | jq -r '.[0].Config' | sed 's|^blobs/sha256/|sha256:|; s|\.json$||')

  pm load -i "$T/$compression.tar" >"$T/load" 2>&1 || { cat "$T/load"; fail "podman load ($compression)"; }
  expect_contains "$T/load" "Loaded image: localhost/strata/podman:$compression"
  out=$(pm run --rm --network=none "strata/podman:$compression" 2>"$T/run.err") ||
    { cat "$T/run.err"; fail "podman run ($compression)"; }
  [ "$out" = "HELLO FROM STRATA" ] || fail "podman run ($compression) printed '$out'"
  # podman's image ID is the config's digest: the image it stored is the one Strata wrote.
  id=$(pm image inspect --format '{{.Id}}' "strata/podman:$compression")
  [ "sha256:$id" = "$config_digest" ] || [ "$id" = "$config_digest" ] ||
    fail "podman's image id $id is not the archive's config $config_digest ($compression)"
  # And it is the image ID `strata build` printed (docs/cli.md).
  [ "$(digest)" = "sha256:${config_digest#sha256:}" ] || fail "strata printed $(digest), the image's ID is $config_digest ($compression)"
  env=$(pm run --rm --network=none --entrypoint /bin/busybox "strata/podman:$compression" sh -c 'echo $GREETING')
  [ "$env" = "hello" ] || fail "GREETING in podman ($compression): '$env'"

  # The OCI archive holds the compressed layers themselves (a docker-archive's are plain tars).
  manifest=$(tar -xOf "$T/$compression-oci.tar" index.json | jq -r '.manifests[0].digest' | sed 's|:|/|')
  tar -xOf "$T/$compression-oci.tar" "blobs/$manifest" | jq -r '.layers[].mediaType' >"$T/types"
  expect_contains "$T/types" "application/vnd.oci.image.layer.v1.tar+$compression"
  out=$(pm run --rm --network=none "oci-archive:$T/$compression-oci.tar" 2>"$T/run.err") ||
    { cat "$T/run.err"; fail "podman run oci-archive ($compression)"; }
  [ "$out" = "HELLO FROM STRATA" ] || fail "podman run oci-archive ($compression) printed '$out'"
done
echo "ok"
