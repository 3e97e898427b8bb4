#!/usr/bin/env bash
# `strata export --dockerfile` against BuildKit: a private dockerd (fixtures/dockerd.sh, no
# network: `docker build --network=none`) builds the exported Dockerfile of three targets — a
# RUN on the local busybox base (a pre-built input), a `minimal` stage (Strata-only), and a
# multi-stage image with COPY --from and config — and each gives the same files (path, mode,
# owner, size, link target) and the same config as Strata's own build. Then `strata build
# --engine docker` builds one through the engine and its -o output loads and runs; a non-empty
# DIR and a missing label are refused with exit 1.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fixtures/dockerd.sh"
start_dockerd
list_image=$HERE/buildkit_diff/list-image.sh

mkdir -p "$T/w/src/sub"
mv "$T/busybox-layout" "$T/w/busybox-layout"
echo "hello from strata" >"$T/w/src/msg.txt"
printf '#!/bin/sh\necho app "$@"\n' >"$T/w/src/app.sh"
chmod 0775 "$T/w/src/app.sh"
echo nested >"$T/w/src/sub/n.txt"
ln -s msg.txt "$T/w/src/link"
cp "$HERE/export/build.strata" "$T/w/build.strata"

# The docker-built image as an OCI layout (skopeo from `docker save`), listed like Strata's.
docker_listing() {
  local dir=$1 name=$2
  DOCKER_BUILDKIT=1 dk build --network=none --iidfile "$T/iid" "$dir" >"$T/docker-build.log" 2>&1 ||
    { cat "$T/docker-build.log" >&2; fail "$name: docker build failed"; }
  dk save -o "$T/$name-docker.tar" "$(cat "$T/iid")"
  rm -rf "$T/$name-docker"
  skopeo copy -q "docker-archive:$T/$name-docker.tar" "oci:$T/$name-docker:t"
  # Files from the OCI copy; the config from the archive itself (skopeo drops Docker-only fields).
  bash "$list_image" "$T/$name-docker:t" "$T" | sed '/^--- config$/,$d'
  echo "--- config"
  rm -rf "$T/archive" && mkdir "$T/archive" && tar -C "$T/archive" -xf "$T/$name-docker.tar"
  jq -S '(.config // {}) | with_entries(select(.value != null))' \
    "$T/archive/$(jq -r '.[0].Config' "$T/archive/manifest.json")"
}

for target in runbase minimal multistage; do
  build "$target" -o "oci:$T/$target-strata:t" || { cat "$T/err"; fail "$target: strata build failed"; }
  bash "$list_image" "$T/$target-strata:t" "$T" >"$T/$target.strata"
  (cd "$T/w" && "$STRATA" export --progress plain --dockerfile "$T/$target-export" "$target") 2>"$T/export.err" ||
    { cat "$T/export.err"; fail "$target: export failed"; }
  docker_listing "$T/$target-export" "$target" >"$T/$target.docker"
  # The one difference a Dockerfile cannot avoid, announced by the export: BuildKit gives an
  # image made FROM scratch a PATH (and WorkingDir "/") when Strata's has none.
  jq_filter=.
  grep -q 'the image has no PATH' "$T/export.err" &&
    jq_filter='.Env |= map(select(. != "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")) | if .Env == [] then del(.Env) else . end'
  grep -q 'the image has no WorkingDir' "$T/export.err" &&
    jq_filter="$jq_filter"' | if .WorkingDir == "/" then del(.WorkingDir) else . end'
  if grep -q 'lists PATH after other variables' "$T/export.err"; then
    jq_filter="$jq_filter"' | .Env |= sort'
    { sed '/^--- config$/,$d' "$T/$target.strata"; echo "--- config"; sed '1,/^--- config$/d' "$T/$target.strata" | jq -S '.Env |= sort'; } >"$T/$target.strata.norm"
    mv "$T/$target.strata.norm" "$T/$target.strata"
  fi
  if [ "$jq_filter" != . ]; then
    { sed '/^--- config$/,$d' "$T/$target.docker"; echo "--- config"; sed '1,/^--- config$/d' "$T/$target.docker" | jq -S "$jq_filter"; } >"$T/$target.docker.norm"
    mv "$T/$target.docker.norm" "$T/$target.docker"
  fi
  # BuildKit's RUN leaves the mount points /dev, /proc and /sys it made as empty directories
  # when the base has none; Strata's does not (docs/export.md, "What a Dockerfile cannot say").
  if grep -q '^RUN' "$T/$target-export/Dockerfile"; then
    grep -vE '^\./(dev|proc|sys) drwxr-xr-x 0:0$' "$T/$target.docker" >"$T/$target.docker.norm" || true
    grep -qE '^\./(dev|proc|sys) ' "$T/$target.strata" || mv "$T/$target.docker.norm" "$T/$target.docker"
  fi
  diff "$T/$target.strata" "$T/$target.docker" >"$T/diff" ||
    { cat "$T/$target-export/Dockerfile" >&2; cat "$T/diff" >&2; fail "$target: BuildKit's image differs (< strata, > docker)"; }
  echo "$target: $(grep -c . "$T/$target.strata") lines of listing and config equal"
done
# The pre-built input and the Strata-only op really went through the context.
expect_contains "$T/runbase-export/Dockerfile" "ADD prebuilt/"
expect_contains "$T/minimal-export/Dockerfile" "# minimal [\"/bin/busybox\"]: built by Strata"
expect_contains "$T/multistage-export/Dockerfile" "COPY --from="

# --engine docker: the engine builds, the -o output loads and runs.
export DOCKER_HOST="unix://$D/docker.sock"
build runbase --engine docker -o "docker-archive:$T/engine.tar:strata/engine:1" ||
  { cat "$T/err"; fail "--engine docker build failed"; }
grep -Eq '^sha256:[0-9a-f]{64}$' "$T/out" || fail "--engine docker printed no digest: $(cat "$T/out")"
dk load -i "$T/engine.tar" >/dev/null
out=$(dk run --rm --pull=never --network=none strata/engine:1) || fail "docker run of the engine's image failed"
[ "$out" = "HELLO FROM STRATA" ] || fail "the engine's image printed '$out'"
# An engine that fails: its message and exit 1.
echo 'let base = load ./busybox-layout; in { default = base |> run "echo engine-says-no >&2; exit 3"; }' >"$T/w/fails.strata"
if build -f fails.strata --engine docker; then fail "a failing RUN on the engine exited 0"; fi
expect_contains "$T/err" "engine-says-no"
expect_contains "$T/err" "strata: error: the docker engine at unix://"
unset DOCKER_HOST

# Bad input: a non-empty DIR, a missing target, a missing workspace label.
mkdir -p "$T/full" && touch "$T/full/x"
set +e
(cd "$T/w" && "$STRATA" export --dockerfile "$T/full" runbase) 2>"$T/err"; status=$?
set -e
[ "$status" = 1 ] || fail "a non-empty DIR: exit $status"
expect_contains "$T/err" "is not empty"
set +e
(cd "$T/w" && "$STRATA" export --dockerfile "$T/new1" runbasee) 2>"$T/err"; status=$?
set -e
[ "$status" = 1 ] || fail "a missing target: exit $status"
expect_contains "$T/err" "runbase"
mkdir -p "$T/ws/app" && touch "$T/ws/strata.workspace"
echo '{ web = scratch |> env "A" "1"; }' >"$T/ws/app/build.strata"
set +e
(cd "$T/ws" && "$STRATA" export --dockerfile "$T/new2" //app:wbe) 2>"$T/err"; status=$?
set -e
[ "$status" = 1 ] || fail "a missing label: exit $status"
expect_contains "$T/err" "web"
(cd "$T/ws" && "$STRATA" export --dockerfile "$T/new3" //app:web) 2>"$T/err" || { cat "$T/err"; fail "a label export failed"; }
expect_contains "$T/new3/Dockerfile" "ENV A=1"
echo "PASS"
