#!/usr/bin/env bash
# Cold and warm builds of Debian bases: wall time, bytes fetched, image size, layers.
#   tests/bench/debian_bench.sh [STRATA] [PACKAGE...]   (default: python3-minimal, default-jre-headless)
# Cold: an empty store and an empty download cache (every .deb and the index come over the
# network). Warm: the same build again (the node is a cache hit). Then the index resolution
# alone via strata_debian_bench when it is built beside STRATA. Prints figures; asserts nothing.
set -euo pipefail
STRATA=$(realpath "${1:-build/runtime/cli/strata}")
shift || true
packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(python3-minimal default-jre-headless)
T=$(mktemp -d /tmp/strata-debian-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
now() { date +%s.%N; }
for package in "${packages[@]}"; do
  mkdir -p "$T/$package"
  echo "{ default = debian { packages = [ \"$package\" ]; }; }" >"$T/$package/build.strata"
  export STRATA_STORE=$T/$package/store STRATA_DEBIAN_CACHE=$T/$package/cache
  start=$(now)
  (cd "$T/$package" && "$STRATA" build --progress plain -o "oci:$T/$package/layout:x") >/dev/null 2>"$T/err"
  cold=$(echo "$(now) - $start" | bc)
  fetched=$(grep -o 'fetched [0-9]* bytes' "$T/err" | grep -o '[0-9]*')
  start=$(now)
  (cd "$T/$package" && "$STRATA" build --progress plain -o "oci:$T/$package/layout:x") >/dev/null 2>&1
  warm=$(echo "$(now) - $start" | bc)
  size=$(du -sb "$T/$package/layout/blobs" | cut -f1)
  layers=$(grep -o '[0-9]* layers' "$T/err" | grep -o '[0-9]*')
  printf '%-24s cold %6.2f s  warm %5.3f s  fetched %6.1f MB  image %6.1f MB (compressed, %s layers)\n' \
    "$package" "$cold" "$warm" "$(echo "$fetched / 1048576" | bc -l)" "$(echo "$size / 1048576" | bc -l)" "$layers"
done
BENCH=$(dirname "$STRATA")/../../tests/bench/strata_debian_bench
if [ -x "$BENCH" ]; then
  curl -fsS -o "$T/Packages.xz" http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages.xz
  xz -d "$T/Packages.xz"
  "$BENCH" "$T/Packages"
fi
