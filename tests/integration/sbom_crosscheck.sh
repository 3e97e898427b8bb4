#!/usr/bin/env bash
# Cross-checks strata's SBOM of a Debian base against an independent scanner: cdxgen (from the
# npm registry, pinned; it scans OS packages with the trivy build it bundles) run on the image's
# unpacked rootfs must find exactly the Debian binary packages (name and version) that strata's
# CycloneDX document lists. cdxgen is installed once into $STRATA_CDXGEN_CACHE (default
# /var/tmp/strata-test-cdxgen, ~290 MB, ~1.5 min); a scan takes 30-60 s.
# The base names `base-files`: a scanner finds the distribution (and so the dpkg database) by
# /etc/os-release, which a distroless base without base-files does not have (cdxgen then lists
# no Debian package at all; strata's SBOM does not depend on it).
source "$(dirname "$0")/lib.sh"
export STRATA_DEBIAN_CACHE=${STRATA_DEBIAN_CACHE:-/var/tmp/strata-test-debian-cache}
CDXGEN_VERSION=12.8.4
cache=${STRATA_CDXGEN_CACHE:-/var/tmp/strata-test-cdxgen}
mkdir -p "$STRATA_DEBIAN_CACHE" "$cache"
cdxgen=$cache/node_modules/.bin/cdxgen
(
  flock 9
  installed=$(jq -r .version "$cache/node_modules/@cyclonedx/cdxgen/package.json" 2>/dev/null || true)
  if [ "$installed" != "$CDXGEN_VERSION" ] || [ ! -x "$cdxgen" ]; then
    npm install --no-audit --no-fund --prefix "$cache" "@cyclonedx/cdxgen@$CDXGEN_VERSION" >"$T/npm.log" 2>&1 \
      || { cat "$T/npm.log"; fail "npm install @cyclonedx/cdxgen@$CDXGEN_VERSION"; }
  fi
) 9>"$cache/.lock"

mkdir -p "$T/w"
echo '{ default = debian { packages = [ "bash" "base-files" ]; }; }' >"$T/w/build.strata"
build --sbom "$T/strata.cdx.json" --sbom-format cyclonedx -o "oci:$T/layout:v1" || { cat "$T/err"; fail "build"; }
umoci unpack --image "$T/layout:v1" "$T/bundle" >/dev/null
jq -r '.components[] | select(.purl // "" | startswith("pkg:deb/")) | "\(.name) \(.version)"' "$T/strata.cdx.json" \
  | sort >"$T/strata"

# cdxgen writes its caches under $HOME; keep them in the test's dir.
HOME=$T/home "$cdxgen" -t rootfs -o "$T/cdxgen.json" "$T/bundle/rootfs" >"$T/cdxgen.log" 2>&1 \
  || { tail -n 30 "$T/cdxgen.log"; fail "cdxgen failed"; }
# Binary packages only: cdxgen adds each source package (glibc, ncurses) tagged "source".
jq -r '.components[] | select((.purl // "" | startswith("pkg:deb/")) and ((.tags // []) | index("source") | not))
       | "\(.name) \(.version)"' "$T/cdxgen.json" | sort -u >"$T/cdxgen"
[ "$(wc -l <"$T/cdxgen")" -gt 3 ] || { tail -n 30 "$T/cdxgen.log"; fail "cdxgen found no Debian packages"; }
diff "$T/strata" "$T/cdxgen" || fail "strata's SBOM and cdxgen disagree on the Debian packages"
echo "PASS ($(wc -l <"$T/strata") packages agree)"
