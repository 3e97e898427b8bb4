#!/usr/bin/env bash
# Quick start: installs what Strata needs from Debian's packages, builds it, then builds and
# runs examples/busybox-hello (a two-stage image on a local busybox base). Run as root (or with
# sudo) on Debian 12: build steps run in runc, which needs root.
set -euo pipefail
cd "$(dirname "$0")"

# Build: compiler, generator, libraries. Run: runc and the OCI tools; gpgv and the archive
# keyring verify the `debian` builtin's Release files. Tests: the tools the test scripts call
# (curl polls the registry fixture, python3 picks free ports, bc does arithmetic, bzip2 makes a
# buildkit_diff archive, git for the fresh-machine fingerprint, python3-jsonschema checks SBOMs
# against their schemas, clang-format checks the C++ layout).
# tests/fresh-debian.sh proves this list on a pristine Debian 12 minbase root: rerun it when you
# change what the build links or the tests call.
packages=(
  build-essential cmake ninja-build pkg-config default-jre-headless
  antlr4 libantlr4-runtime-dev llvm-15-dev libxxhash-dev libarchive-dev zlib1g-dev libzstd-dev
  libdeflate-dev libgoogle-perftools-dev libboost-program-options-dev catch2 libssl-dev nlohmann-json3-dev libcurl4-openssl-dev uuid-dev
  runc skopeo umoci podman docker.io docker-registry busybox-static
  file jq zstd xz-utils bzip2 curl bc git python3 procps ca-certificates gpgv debian-archive-keyring
  python3-jsonschema clang-format
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build
echo
echo "== strata run -f examples/busybox-hello"
examples/busybox-hello/make-base.sh >/dev/null
build/runtime/cli/strata run -f examples/busybox-hello --progress plain
