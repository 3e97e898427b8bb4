#!/usr/bin/env bash
# `strata build --sbom` on a real `debian { packages = [ "bash" ]; }` base (Debian mirror, the
# shared download cache) plus a fetched file: the SPDX 2.3 and CycloneDX 1.5 documents are valid
# against the official JSON schemas (tests/sbom/schemas, python3-jsonschema); their Debian
# packages are exactly what `dpkg-query --admindir` lists in the unpacked image, with purl,
# mirror URL, the sha256 of the .deb in the store, and a license exactly when the package's
# copyright file is DEP-5; the image digest is the same with and without --sbom and the image
# still unpacks; the layout holds the referrer under the tag `sha256-<image hex>` with the
# image as subject, and so does an oci-archive (skopeo reads it, umoci unpacks it); two fresh stores give the same SBOM bytes; `strata sbom` prints the same
# document; a debian record without SBOM data (an older version's) is made again; bad options
# are usage errors.
source "$(dirname "$0")/lib.sh"
export STRATA_DEBIAN_CACHE=${STRATA_DEBIAN_CACHE:-/var/tmp/strata-test-debian-cache}
mkdir -p "$STRATA_DEBIAN_CACHE"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
VALIDATE="$PY $HERE/../sbom/validate_sbom.py"

mkdir -p "$T/w" "$T/files"
echo "a fetched tool" >"$T/files/tool.txt"
tool_sha=$(sha256sum "$T/files/tool.txt" | cut -d' ' -f1)
cat >"$T/w/build.strata" <<STRATA
let
  base = debian { packages = [ "bash" ]; };
  tool = fetch { url = "file://$T/files/tool.txt"; sha256 = "$tool_sha"; };
in {
  default = base |> copy tool "/opt/tool.txt" |> entrypoint [ "bash" ];
}
STRATA

# Without --sbom first: the image digest --sbom must not change.
build -o "oci:$T/plain:v1" || { cat "$T/err"; fail "the bash base did not build"; }
plain=$(manifest)

build --sbom "$T/image.spdx.json" -o "oci:$T/layout:v1" || { cat "$T/err"; fail "build --sbom"; }
image=$(manifest)
[ "$image" = "$plain" ] || fail "--sbom changed the image digest: $plain, $image"
[ "$(skopeo inspect "oci:$T/layout:v1" | jq -r .Digest)" = "$image" ] || fail "skopeo sees another digest"
build --sbom "$T/image.cdx.json" --sbom-format cyclonedx -o "oci:$T/layout:v1" || { cat "$T/err"; fail "cyclonedx"; }
[ "$(manifest)" = "$image" ] || fail "the cyclonedx build changed the digest"

$VALIDATE spdx "$T/image.spdx.json" || fail "the SPDX document is not valid SPDX 2.3"
$VALIDATE cyclonedx "$T/image.cdx.json" || fail "the CycloneDX document is not valid CycloneDX 1.5"
# The validator does fail on a broken document (so the two checks above can fail).
jq '.packages[1].SPDXID = 7' "$T/image.spdx.json" >"$T/broken.json"
! $VALIDATE spdx "$T/broken.json" 2>/dev/null || fail "the validator accepted a broken document"

# The package set is the image's dpkg database, name and version.
umoci unpack --image "$T/layout:v1" "$T/bundle" >/dev/null
root=$T/bundle/rootfs
dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Package} ${Version}\n' | sort >"$T/dpkg"
[ "$(wc -l <"$T/dpkg")" -gt 3 ] || fail "the image lists too few packages"
jq -r '.packages[] | select(.externalRefs[0].referenceLocator // "" | startswith("pkg:deb/")) | "\(.name) \(.versionInfo)"' \
  "$T/image.spdx.json" | sort >"$T/spdx-packages"
diff "$T/dpkg" "$T/spdx-packages" || fail "SPDX packages differ from the image's dpkg database"
jq -r '.components[] | select(.purl // "" | startswith("pkg:deb/")) | "\(.name) \(.version)"' "$T/image.cdx.json" \
  | sort >"$T/cdx-packages"
diff "$T/dpkg" "$T/cdx-packages" || fail "CycloneDX packages differ from the image's dpkg database"

# Each package: purl, the mirror's .deb URL, the .deb's sha256 (the blob the store keeps), a
# license exactly when its copyright file is machine-readable.
dep5=0
while read -r name version; do
  entry=$(jq -c --arg n "$name" '.packages[] | select(.name == $n)' "$T/image.spdx.json")
  arch=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Architecture}' "$name")
  purl=$(jq -r '.externalRefs[0].referenceLocator' <<<"$entry")
  encoded=$(jq -rn --arg v "$version" '$v | @uri' | sed 's/%3A/:/g')
  [ "$purl" = "pkg:deb/debian/$name@$encoded?arch=$arch&distro=debian-12" ] || fail "$name: purl $purl"
  url=$(jq -r .downloadLocation <<<"$entry")
  [[ "$url" == http*://*/pool/main/*.deb ]] || fail "$name: download location $url"
  sha=$(jq -r '.checksums[0].checksumValue' <<<"$entry")
  [ -f "$T/store/blobs/sha256/$sha" ] || fail "$name: no .deb with sha256 $sha in the store"
  [ "$(head -c 7 "$T/store/blobs/sha256/$sha")" = '!<arch>' ] || fail "$name: $sha is not a .deb"
  license=$(jq -r .licenseDeclared <<<"$entry")
  copyright=$(readlink -f "$root/usr/share/doc/$name/copyright" || true)
  if [ -f "$copyright" ] && head -n 1 "$copyright" | grep -q '^Format:.*copyright-format'; then
    [ "$license" != NOASSERTION ] || fail "$name: DEP-5 copyright but no license"
    dep5=$((dep5 + 1))
  else
    [ "$license" = NOASSERTION ] || fail "$name: license '$license' without a DEP-5 copyright file"
  fi
done <"$T/dpkg"
[ "$dep5" -gt 0 ] || fail "no package of the base has a DEP-5 copyright file; the license check checked nothing"

# The fetched file, in the image.
jq -e --arg s "$tool_sha" --arg u "file://$T/files/tool.txt" \
  '.packages[] | select(.name == "tool.txt" and .checksums[0].checksumValue == $s and .downloadLocation == $u)' \
  "$T/image.spdx.json" >/dev/null || fail "the fetched file is not in the SPDX document"
jq -e '.relationships[] | select(.relationshipType == "CONTAINS" and (.relatedSpdxElement | startswith("SPDXRef-file-tool.txt")))' \
  "$T/image.spdx.json" >/dev/null || fail "the fetched file is not CONTAINed by the image"

# The referrers: index.json tags their list sha256-<hex>; each names the image as subject and
# holds the document's bytes; the image's own entry is unchanged.
tag="sha256-${image#sha256:}"
list=$(jq -r --arg t "$tag" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
  "$T/layout/index.json")
[ -n "$list" ] || fail "no $tag entry in index.json: $(cat "$T/layout/index.json")"
jq -r '.manifests[] | "\(.artifactType) \(.digest)"' "$T/layout/blobs/sha256/${list#sha256:}" >"$T/referrers"
[ "$(wc -l <"$T/referrers")" = 2 ] || fail "expected 2 referrers: $(cat "$T/referrers")"
while read -r type manifest; do
  m=$T/layout/blobs/sha256/${manifest#sha256:}
  [ "$(jq -r .subject.digest "$m")" = "$image" ] || fail "$type: subject is not the image"
  [ "$(jq -r .artifactType "$m")" = "$type" ] || fail "$type: artifactType"
  case $type in
    application/spdx+json) file=$T/image.spdx.json ;;
    application/vnd.cyclonedx+json) file=$T/image.cdx.json ;;
    *) fail "unexpected artifactType $type" ;;
  esac
  cmp "$T/layout/blobs/sha256/$(jq -r '.layers[0].digest' "$m" | cut -d: -f2)" "$file" || fail "$type: layer is not the document"
done <"$T/referrers"
skopeo inspect --raw "oci:$T/layout:$tag" | jq -e '.manifests | length == 2' >/dev/null || fail "skopeo cannot read $tag"
[ "$(skopeo inspect "oci:$T/layout:v1" | jq -r .Digest)" = "$image" ] || fail "the image entry changed"
umoci unpack --image "$T/layout:v1" "$T/bundle2" >/dev/null || fail "umoci cannot unpack the image after the attachment"

# oci-archive: the same layout as a tar, written in one go with the referrer under the same
# tag; skopeo reads both entries, umoci unpacks the image, and the bytes are reproducible.
# docker-archive: (docker save) has no place for a referrer; the SBOM file is all there is.
build --sbom "$T/archive.spdx.json" -o "oci-archive:$T/image.tar:v1" -o "docker-archive:$T/docker.tar:img:v1" \
  || { cat "$T/err"; fail "build --sbom -o oci-archive: -o docker-archive:"; }
[ "$(manifest)" = "$image" ] || fail "the archive build changed the image digest"
cmp "$T/archive.spdx.json" "$T/image.spdx.json" || fail "the archive build wrote another SBOM"
mkdir "$T/unarchived"
tar -C "$T/unarchived" -xf "$T/image.tar"
list=$(jq -r --arg t "$tag" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
  "$T/unarchived/index.json")
[ -n "$list" ] || fail "no $tag entry in the oci-archive's index.json: $(cat "$T/unarchived/index.json")"
manifest=$(jq -r '.manifests | select(length == 1) | .[0].digest' "$T/unarchived/blobs/sha256/${list#sha256:}")
m=$T/unarchived/blobs/sha256/${manifest#sha256:}
[ -f "$m" ] || fail "the oci-archive's referrers list does not name one manifest it holds"
[ "$(jq -r .subject.digest "$m")" = "$image" ] || fail "the oci-archive's referrer has another subject"
cmp "$T/unarchived/blobs/sha256/$(jq -r '.layers[0].digest' "$m" | cut -d: -f2)" "$T/image.spdx.json" \
  || fail "the oci-archive's referrer does not hold the document"
for blob in "$T/unarchived/blobs/sha256"/*; do
  [ "$(sha256sum "$blob" | cut -d' ' -f1)" = "$(basename "$blob")" ] || fail "oci-archive blob $(basename "$blob") has another hash"
done
[ "$(skopeo inspect "oci-archive:$T/image.tar:v1" | jq -r .Digest)" = "$image" ] || fail "skopeo sees another image in the oci-archive"
skopeo inspect --raw "oci-archive:$T/image.tar:$tag" | jq -e '.manifests | length == 1' >/dev/null \
  || fail "skopeo cannot read $tag in the oci-archive"
umoci unpack --image "$T/unarchived:v1" "$T/bundle3" >/dev/null || fail "umoci cannot unpack the oci-archive's image"
build --sbom "$T/archive2.spdx.json" --no-cache -o "oci-archive:$T/image2.tar:v1" || { cat "$T/err"; fail "second archive build"; }
cmp "$T/image.tar" "$T/image2.tar" || fail "two builds gave different oci-archive bytes"
[ "$(tar -xOf "$T/docker.tar" manifest.json | jq length)" = 1 ] || fail "the docker-archive holds more than the image"

# Two fresh stores, the same SBOM bytes (both formats).
STRATA_STORE=$T/store2 build --sbom "$T/again.spdx.json" -o "oci:$T/layout2:v1" || { cat "$T/err"; fail "second store"; }
cmp "$T/image.spdx.json" "$T/again.spdx.json" || fail "two fresh stores gave different SPDX bytes"
STRATA_STORE=$T/store2 build --sbom "$T/again.cdx.json" --sbom-format cyclonedx || { cat "$T/err"; fail "second store cdx"; }
cmp "$T/image.cdx.json" "$T/again.cdx.json" || fail "two fresh stores gave different CycloneDX bytes"
# ... and the same referrer manifest digest in the second layout.
spdx_referrer=$(awk '$1 == "application/spdx+json" {print $2}' "$T/referrers")
list2=$(jq -r --arg t "$tag" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
  "$T/layout2/index.json")
[ "$(jq -r '.manifests[0].digest' "$T/layout2/blobs/sha256/${list2#sha256:}")" = "$spdx_referrer" ] \
  || fail "the second store's SPDX referrer manifest differs"

# `strata sbom` prints the same bytes (from the cache); an unknown format is a usage error.
(cd "$T/w" && "$STRATA" sbom --format cyclonedx) >"$T/printed.cdx.json" 2>"$T/err" || { cat "$T/err"; fail "strata sbom"; }
cmp "$T/image.cdx.json" "$T/printed.cdx.json" || fail "strata sbom printed another document than build --sbom wrote"
set +e
(cd "$T/w" && "$STRATA" sbom --format xml) >/dev/null 2>&1; rc=$?
set -e
[ "$rc" = 2 ] || fail "strata sbom --format xml exited $rc"

# A debian record written before SBOMs (no "sbom" data): the node is made again (same layers),
# the SBOM is the same, and the record has the data again.
record=$(jq -r 'select(.op == "debian") | input_filename' "$T/store/nodes"/*.json | head -n 1)
[ -n "$record" ] || fail "no debian node record in the store"
jq 'del(.sbom)' "$record" >"$record.new" && mv "$record.new" "$record"
build --sbom "$T/rebuilt.spdx.json" || { cat "$T/err"; fail "build --sbom over a record without SBOM data"; }
cmp "$T/image.spdx.json" "$T/rebuilt.spdx.json" || fail "the SBOM changed after the record was made again"
jq -e '.sbom.debian.packages | length > 3' "$record" >/dev/null || fail "the record did not get its SBOM data back"

# Usage errors (exit 2), before any build.
set +e
build --sbom "$T/x.json" --sbom-format xml; rc1=$?
build --sbom-format cyclonedx; rc2=$?
build --sbom "$T/no/such/dir/x.json"; rc3=$?
set -e
[ "$rc1" = 2 ] && [ "$rc2" = 2 ] && [ "$rc3" = 2 ] || fail "usage errors exited $rc1 $rc2 $rc3"
echo PASS
