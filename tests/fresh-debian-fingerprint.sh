#!/usr/bin/env bash
# Prints one sha256 over the committed files that decide what a fresh Debian machine must
# install: setup.sh, .ci/run, the README (its quick start), every CMakeLists.txt and *.cmake
# (find_package, link libraries) and every shell script (the tools tests and examples call).
# tests/fresh-debian.sh --stamp records it; .ci/run reruns fresh-debian.sh when it differs.
# Usage: fresh-debian-fingerprint.sh [COMMIT]   (default HEAD)
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-tree -r "${1:-HEAD}" -- . |
  awk '{ path = $0; sub(/^[^\t]*\t/, "", path) }
       path ~ /(^|\/)(CMakeLists\.txt|setup\.sh|README\.md)$/ || path ~ /\.(sh|cmake)$/ || path == ".ci/run" { print $3, path }' | sha256sum | cut -c1-64
