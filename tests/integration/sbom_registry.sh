#!/usr/bin/env bash
# `strata build --sbom -o docker://REF` to Debian's docker-registry (no referrers API): the
# image is pushed unchanged (skopeo sees the digest strata printed), and the SBOM is attached by
# distribution-spec 1.1's referrers tag schema: the tag `sha256-<image hex>` is an image index
# listing an artifact manifest whose subject is the image and whose layer is the SBOM file. A
# second push in the other format adds itself to the same list. The base is a pulled image, so
# its purl (pkg:oci/...) names the registry and the digest it resolved to; the network step's
# output is listed with its sha256.
# Usage: bash sbom_registry.sh STRATA_BINARY
set -euo pipefail
strata=$(realpath "${1:?usage: sbom_registry.sh STRATA_BINARY}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
source "$here/fixtures/registry.sh"
cleanup() {
  registry_stop
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export STRATA_STORE=$work/store DOCKER_CONFIG=$work/docker-config
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

registry_start "$work/registry"
host=$REGISTRY_HOST
bash "$here/fixtures/make-busybox-image.sh" "$work/busybox" >/dev/null
skopeo copy --quiet --dest-tls-verify=false "oci:$work/busybox:latest" "docker://$host/busybox:latest"
base=$(skopeo inspect --tls-verify=false "docker://$host/busybox:latest" | jq -r .Digest)

# The step is a network step (its output hash is learnt from a first, failing build), so the
# SBOM lists its output too.
mkdir -p "$work/app"
program() {
  cat >"$work/app/build.strata" <<STRATA
{ default = image "$host/busybox:latest" |> runWith { network = true; sha256 = "$1"; } "echo hi > /greeting"; }
STRATA
}
cd "$work/app"
program "sha256:$(printf '0%.0s' {1..64})"
! "$strata" build --progress plain >"$work/out" 2>"$work/err" || fail "a wrong output checksum was accepted"
output=$(grep -o 'got sha256:[0-9a-f]\{64\}' "$work/err" | head -n 1 | cut -d' ' -f2)
[ -n "$output" ] || fail "no output checksum in: $(cat "$work/err")"
program "$output"
"$strata" build --progress plain --sbom "$work/sbom.spdx.json" -o "docker://$host/app:v1" \
  >"$work/out" 2>"$work/err" || fail "build: $(cat "$work/err")"
image=$(sed -n 's/^strata: manifest //p' "$work/err")  # the manifest: the referrers' subject
grep -qF "(referrers tag sha256-${image#sha256:})" "$work/err" || fail "no tag-schema line: $(cat "$work/err")"
[ "$(skopeo inspect --tls-verify=false "docker://$host/app:v1" | jq -r .Digest)" = "$image" ] \
  || fail "the pushed image is not the one built"
"$PY" "$here/../sbom/validate_sbom.py" spdx "$work/sbom.spdx.json" || fail "invalid SPDX"
purl=$(jq -r '.packages[] | select(.primaryPackagePurpose == "CONTAINER" and .SPDXID != "SPDXRef-Image") | .externalRefs[0].referenceLocator' \
  "$work/sbom.spdx.json")
[ "$purl" = "pkg:oci/busybox@$base?arch=amd64&repository_url=${host}%2Fbusybox&tag=latest" ] || fail "base purl $purl"

network=$(jq -r --arg h "${output#sha256:}" '.packages[] | select(.primaryPackagePurpose == "OTHER" and .checksums[0].checksumValue == $h) | .name' \
  "$work/sbom.spdx.json")
[ "$network" = "RUN echo hi > /greeting" ] || fail "the network step's output is not in the SBOM: $network"

"$strata" build --progress plain --sbom "$work/sbom.cdx.json" --sbom-format cyclonedx -o "docker://$host/app:v1" \
  >"$work/out" 2>"$work/err" || fail "cyclonedx build: $(cat "$work/err")"
"$PY" "$here/../sbom/validate_sbom.py" cyclonedx "$work/sbom.cdx.json" || fail "invalid CycloneDX"

tag="sha256-${image#sha256:}"
skopeo inspect --raw --tls-verify=false "docker://$host/app:$tag" >"$work/list.json" || fail "no $tag tag"
[ "$(jq -r .mediaType "$work/list.json")" = application/vnd.oci.image.index.v1+json ] || fail "the tag is not an index"
[ "$(jq '.manifests | length' "$work/list.json")" = 2 ] || fail "expected 2 referrers: $(cat "$work/list.json")"
for type in application/spdx+json application/vnd.cyclonedx+json; do
  manifest=$(jq -r --arg t "$type" '.manifests[] | select(.artifactType == $t) | .digest' "$work/list.json")
  [ -n "$manifest" ] || fail "no $type referrer"
  curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$host/v2/app/manifests/$manifest" >"$work/m.json"
  [ "$(jq -r .subject.digest "$work/m.json")" = "$image" ] || fail "$type: subject is not the image"
  layer=$(jq -r '.layers[0].digest' "$work/m.json")
  curl -sf "http://$host/v2/app/blobs/$layer" >"$work/doc.json"
  case $type in
    application/spdx+json) cmp "$work/doc.json" "$work/sbom.spdx.json" || fail "the SPDX blob differs" ;;
    *) cmp "$work/doc.json" "$work/sbom.cdx.json" || fail "the CycloneDX blob differs" ;;
  esac
done
echo PASS
