#!/usr/bin/env bash
# regen.sh DOCKER_SOCKET [CASE...]: writes CASE.expected from what BuildKit (dockerd's embedded
# BuildKit, through the Engine API's `version=2` builder, so no buildx is needed) builds from
# CASE.sh's context. Needs a running dockerd (tests/integration/docker_load.sh shows how to
# start one) plus skopeo, umoci and jq. Not run by the tests: they compare with the data.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
socket=$1; shift
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=($(cd "$here" && ls *.sh | grep -v -e '^regen.sh$' -e '^list-image.sh$' | sed 's/\.sh$//'))
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for name in "${cases[@]}"; do
  rm -rf "$T/ctx" "$T/layout" "$T/image.tar"; mkdir "$T/ctx"
  (cd "$T/ctx" && umask 022 && bash "$here/$name.sh")
  tag="strata-diff/$name:1"
  # A case on a base image (base-image.inc) loads it first: dockerd's BuildKit finds it there.
  if [ -f "$T/ctx/base.tar" ]; then
    curl -sf --unix-socket "$socket" -X POST -H 'Content-Type: application/x-tar' \
      --data-binary @"$T/ctx/base.tar" "http://docker/v1.41/images/load?quiet=1" >/dev/null
  fi
  tar -C "$T/ctx" --numeric-owner -cf - . | curl -s --unix-socket "$socket" -X POST \
    -H 'Content-Type: application/x-tar' --data-binary @- \
    "http://docker/v1.41/build?version=2&networkmode=none&rm=1&t=$tag" >"$T/response"
  if error=$(jq -r 'select(.error) | .error' "$T/response") && [ -n "$error" ]; then
    printf 'error\n%s\n' "$error" >"$here/$name.expected"
  else
    curl -s --unix-socket "$socket" "http://docker/v1.41/images/$tag/get" >"$T/image.tar"
    skopeo copy -q "docker-archive:$T/image.tar" "oci:$T/layout:t"
    # The files from the OCI copy; the config from the archive itself (skopeo's OCI copy drops
    # the Docker-only fields Healthcheck, OnBuild and Shell).
    bash "$here/list-image.sh" "$T/layout:t" "$T" | sed '/^--- config$/,$d' >"$here/$name.expected"
    echo "--- config" >>"$here/$name.expected"
    rm -rf "$T/archive" && mkdir "$T/archive" && tar -C "$T/archive" -xf "$T/image.tar"
    jq -S '(.config // {}) | with_entries(select(.value != null))' "$T/archive/$(jq -r '.[0].Config' "$T/archive/manifest.json")" >>"$here/$name.expected"
  fi
  echo "$name: $(head -c 200 "$here/$name.expected" | head -n 1)"
done
