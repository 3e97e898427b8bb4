#!/usr/bin/env bash
# Cold and warm builds of Debian bases: wall time, bytes fetched, image size, layers.
#   tests/bench/debian_bench.sh [STRATA] [PACKAGE...]   (default: python3-minimal, default-jre-headless)
# Cold: an empty store and an empty download cache (every .deb and the index come over the
# network). Warm: the same build again, WARM_RUNS times (the node is a cache hit; wall time and
# CPU time, since on a loaded machine the wall time is mostly waiting for a core); the load
# average is printed beside each figure. Beside it, in the same run
# and from the same mirror: `debootstrap --variant=minbase` + `apt-get install
# --no-install-recommends` of the same package in a chroot (needs root and debootstrap; skipped
# with STRATA_BENCH_NO_DEBOOTSTRAP=1). Then the index resolution alone via strata_debian_bench
# when it is built beside STRATA. Prints figures; asserts nothing.
set -euo pipefail
STRATA=$(realpath "${1:-build/runtime/cli/strata}")
shift || true
packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(python3-minimal default-jre-headless)
T=$(mktemp -d /tmp/strata-debian-bench.XXXXXX)
trap 'umount "$T"/*/chroot/proc 2>/dev/null || true; rm -rf "$T"' EXIT
# The mirror strata uses by default (docs/debian.md), so both sides fetch from the same place.
mirror=${STRATA_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)}
mirror=${mirror:-http://deb.debian.org/debian}
mb() { echo "$1 / 1048576" | bc -l; }
now() { date +%s.%N; }
for package in "${packages[@]}"; do
  mkdir -p "$T/$package"
  echo "{ default = debian { packages = [ \"$package\" ]; }; }" >"$T/$package/build.strata"
  export STRATA_STORE=$T/$package/store STRATA_DEBIAN_CACHE=$T/$package/cache
  echo "$package: load average before the cold build: $(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(now)
  (cd "$T/$package" && /usr/bin/time -f '%U %S' -o "$T/cpu" "$STRATA" build --progress plain -o "oci:$T/$package/layout:x") >/dev/null 2>"$T/err"
  cold=$(echo "$(now) - $start" | bc)
  cold_cpu=$(awk '{print $1 + $2}' "$T/cpu")
  fetched=$(grep -o 'fetched [0-9]* bytes' "$T/err" | grep -o '[0-9]*')
  # Warm no-op rebuilds: WARM_RUNS of them (default 5), each wall and CPU (user + sys).
  warm_list=() cpu_list=()
  for _ in $(seq "${WARM_RUNS:-5}"); do
    start=$(now)
    (cd "$T/$package" && /usr/bin/time -f '%U %S' -o "$T/cpu" "$STRATA" build --progress plain -o "oci:$T/$package/layout:x") >/dev/null 2>&1
    warm_list+=("$(echo "$(now) - $start" | bc)")
    cpu_list+=("$(awk '{print $1 + $2}' "$T/cpu")")
  done
  warm=$(printf '%s\n' "${warm_list[@]}" | sort -g | head -n1)
  cpu=$(printf '%s\n' "${cpu_list[@]}" | sort -g | head -n1)
  echo "$package: warm no-op builds, wall s: ${warm_list[*]}; CPU s: ${cpu_list[*]} (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  size=$(du -sb "$T/$package/layout/blobs" | cut -f1)
  layers=$(grep -o '[0-9]* layers' "$T/err" | grep -o '[0-9]*')
  umoci unpack --image "$T/$package/layout:x" "$T/$package/bundle" >/dev/null 2>&1
  rootfs=$(du -sb "$T/$package/bundle/rootfs" | cut -f1)
  printf '%-22s strata       cold %6.2f s (cpu %5.2f s)  warm min %5.3f s (cpu min %5.3f s)  fetched %6.1f MB  image %6.1f MB gz (%s layers)  rootfs %6.1f MB\n' \
    "$package" "$cold" "$cold_cpu" "$warm" "$cpu" "$(mb "$fetched")" "$(mb "$size")" "$layers" "$(mb "$rootfs")"
  [ "${STRATA_BENCH_NO_DEBOOTSTRAP:-0}" = 1 ] && continue
  command -v debootstrap >/dev/null || { echo "  (no debootstrap: apt-get install debootstrap)"; continue; }
  root=$T/$package/chroot
  echo "$package: load average before debootstrap: $(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(now)
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$T/debootstrap.log" 2>&1 || { tail -3 "$T/debootstrap.log"; continue; }
  base_debs=$(cat "$root"/var/cache/apt/archives/*.deb 2>/dev/null | wc -c || true)
  rm -f "$root"/var/cache/apt/archives/*.deb
  mount -t proc proc "$root/proc"
  chroot "$root" apt-get update -qq >"$T/apt.log" 2>&1
  chroot "$root" apt-get install -y -qq --no-install-recommends "$package" >>"$T/apt.log" 2>&1 || tail -3 "$T/apt.log"
  umount "$root/proc"
  wall=$(echo "$(now) - $start" | bc)
  debs=$(cat "$root"/var/cache/apt/archives/*.deb 2>/dev/null | wc -c || true)
  lists=$(du -sb "$root/var/lib/apt/lists" | cut -f1)
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/*
  tree=$(du -sb "$root" | cut -f1)
  gz=$(tar -C "$root" -c . 2>/dev/null | gzip | wc -c)
  printf '%-22s debootstrap  cold %6.2f s  (minbase + apt-get install)   fetched %6.1f MB  image %6.1f MB gz (1 tar)      rootfs %6.1f MB\n' \
    "$package" "$wall" "$(mb $((base_debs + debs + lists)))" "$(mb "$gz")" "$(mb "$tree")"
done
BENCH=$(dirname "$STRATA")/../../tests/bench/strata_debian_bench
if [ -x "$BENCH" ]; then
  curl -fsS -o "$T/Packages.xz" "$mirror/dists/bookworm/main/binary-amd64/Packages.xz"
  xz -dk "$T/Packages.xz"
  # As LoadSuite does it the first time (decompress, sha256, parse), then from the kept plain
  # index (parse only): BENCH_RUNS runs each (default 3), each with its load average.
  for _ in $(seq "${BENCH_RUNS:-3}"); do
    echo "index from Packages.xz (load average $(cut -d' ' -f1-3 /proc/loadavg)):"
    "$BENCH" "$T/Packages.xz" amd64 gimp inkscape
    echo "index from the kept plain Packages (load average $(cut -d' ' -f1-3 /proc/loadavg)):"
    "$BENCH" "$T/Packages"
  done
fi
