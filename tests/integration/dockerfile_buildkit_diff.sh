#!/usr/bin/env bash
# The differential test against BuildKit: each buildkit_diff/CASE.sh makes a build context
# (a Dockerfile and files with set modes); CASE.expected is what BuildKit built from it (file
# listing + image config, written by buildkit_diff/regen.sh from dockerd's BuildKit), or
# `error` and its message when BuildKit refuses it. `strata build -f` must give the same
# listing and config, or refuse with exit 1 and the Dockerfile's file:line:col where BuildKit
# refuses. A case that made ./base-layout and ./base.tar (base-image.inc) builds on each in turn
# as the base image `strata-diff-base`. No dockerd needed here.
# CASE.known-diff, when present, is the exact `diff` (BuildKit's lines `-`, strata's `+`) of a
# difference not fixed yet and listed in docs/dockerfile.md ("Known differences"): the test
# fails when the difference changes, so fixing it means deleting the file.
source "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")/buildkit_diff" && pwd)
failed=()
# One case built with `base` as its base-image arguments; `label` names the variant in failures.
check_case() {
  local name=$1 label=$2
  shift 2
  local base=("$@")
  if [ "$(head -n 1 "$here/$name.expected")" = error ]; then
    set +e
    build -f ctx/Dockerfile "${base[@]}"
    status=$?
    set -e
    if [ "$status" != 1 ]; then echo "--- $label: exit $status, BuildKit refuses it" >&2; cat "$T/err" >&2; failed+=("$label"); fi
    # Located: the instruction's file:line:col, whether found while planning or building.
    if ! grep -q '^ctx/Dockerfile:[0-9]*:[0-9]*: error: ' "$T/err"; then
      echo "--- $label: the refusal names no Dockerfile line" >&2; cat "$T/err" >&2; failed+=("$label")
    fi
    return
  fi
  rm -rf "$T/layout"
  if ! build -f ctx/Dockerfile "${base[@]}" -o "oci:$T/layout:t"; then
    echo "--- $label: strata build failed" >&2; cat "$T/err" >&2; failed+=("$label"); return
  fi
  bash "$here/list-image.sh" "$T/layout:t" "$T" >"$T/got"
  diff "$here/$name.expected" "$T/got" >"$T/diff" || true
  local known=/dev/null
  [ -f "$here/$name.known-diff" ] && known="$here/$name.known-diff"
  if ! cmp -s "$T/diff" "$known"; then
    echo "--- $label: differs from BuildKit (< BuildKit, > strata), known: $known" >&2; cat "$T/diff" >&2
    failed+=("$label")
  fi
}
for script in "$here"/*.sh; do
  name=$(basename "$script" .sh)
  [[ $name == regen || $name == list-image ]] && continue
  rm -rf "$T/w/ctx" && mkdir -p "$T/w/ctx"
  (cd "$T/w/ctx" && umask 022 && bash "$script")
  if [ -d "$T/w/ctx/base-layout" ]; then
    # The base as an OCI layout and as the docker-archive regen.sh loads into dockerd: both
    # are `oci-layout://` contexts, and the base's config (User, Env, ONBUILD...) must count
    # from either.
    check_case "$name" "$name" --build-context strata-diff-base=oci-layout://ctx/base-layout
    check_case "$name" "$name(docker-archive)" --build-context strata-diff-base=oci-layout://ctx/base.tar
  else
    check_case "$name" "$name"
  fi
  # WORKDIR's mkdir step (a copy node, beside the config node of the same name) is named after
  # the instruction in the progress output, not `COPY / /opt/new`.
  if [ "$name" = workdir-owner ] && ! grep -Eq ' copy [0-9a-f]+ WORKDIR /opt/new( |$)' "$T/err"; then
    echo "--- $name: no copy step 'WORKDIR /opt/new' in the progress output" >&2; cat "$T/err" >&2; failed+=("$name(progress)")
  fi
done
# Strata's own refusal beyond BuildKit (docs/dockerfile.md): COPY --from a later stage.
rm -rf "$T/w/ctx" && mkdir -p "$T/w/ctx" && echo data >"$T/w/ctx/f"
printf 'FROM scratch AS a\nCOPY --from=b /f /g\nFROM scratch AS b\nCOPY f /f\nFROM a\n' >"$T/w/ctx/Dockerfile"
if build -f ctx/Dockerfile; then failed+=(later-stage-accepted)
elif ! grep -q '^ctx/Dockerfile:2:1: error: --from=b names a later stage (stage 1)' "$T/err"; then
  cat "$T/err" >&2; failed+=(later-stage-message)
fi
[ ${#failed[@]} -eq 0 ] || fail "differs from BuildKit: ${failed[*]}"
echo "$(ls "$here"/*.expected | wc -l) cases: all match BuildKit but the known differences ($(ls "$here"/*.known-diff 2>/dev/null | wc -l) files)"
