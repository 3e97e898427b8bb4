#!/usr/bin/env bash
# list-image.sh LAYOUT:TAG WORKDIR: the image's files (path, mode, owner, size of regular files,
# link target) and its config's `config` object (sorted keys): the form in which the expected
# data (from BuildKit, regen.sh) and the test (from strata) are compared.
set -euo pipefail
image=$1 work=$2
layout=${image%:*}
rm -rf "$work/bundle"
umoci unpack --image "$image" "$work/bundle" >/dev/null
(cd "$work/bundle/rootfs" && find . -mindepth 1 -printf '%p %M %U:%G %y %s %l\n') | LC_ALL=C sort |
  awk '{ t = $4; line = $1 " " $2 " " $3; if (t == "f") line = line " " $5; if (t == "l") line = line " -> " $6; print line }'
echo "--- config"
manifest=$(jq -r '.manifests[0].digest' "$layout/index.json")
config=$(jq -r '.config.digest' "$layout/blobs/sha256/${manifest#sha256:}")
jq -S '(.config // {}) | with_entries(select(.value != null))' "$layout/blobs/sha256/${config#sha256:}"
