# Shared helpers for the integration tests: sourced with the strata binary as $1.
# Each test gets a temp dir ($T) with a busybox base image ($T/busybox-layout) and an empty
# store ($T/store); everything is removed on exit.
set -euo pipefail
STRATA=$(realpath "${1:?usage: TEST.sh STRATA_BINARY}")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T=$(mktemp -d /tmp/strata-it.XXXXXX)
cleanup() { rm -rf "$T"; }
trap cleanup EXIT
export STRATA_STORE=$T/store
bash "$HERE/fixtures/make-busybox-image.sh" "$T/busybox-layout" >/dev/null

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_contains FILE TEXT
expect_contains() { grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; cat "$1" >&2; fail "'$1' does not contain '$2'"; }; }
expect_not_contains() { ! grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; cat "$1" >&2; fail "'$1' contains '$2'"; }; }
# strata build in $T/w with plain progress; stdout to $T/out, stderr to $T/err; returns its status.
build() { (cd "$T/w" && "$STRATA" build --progress plain "$@") >"$T/out" 2>"$T/err"; }
digest() { tail -n 1 "$T/out"; }  # the image ID `strata build` printed (the config digest)
manifest() { sed -n 's/^strata: manifest //p' "$T/err"; }  # the manifest of a build with -o
# expect_sandbox_gone WHEN TAG: nothing of a build's or run's sandbox is left: no process whose
# command line holds TAG, no runc process or container of the store, no mount under it.
expect_sandbox_gone() {
  local when=$1 tag=$2 root
  if pgrep -f "$tag" >/dev/null; then
    pgrep -af "$tag" >&2
    fail "$when: the sandboxed processes still run"
  fi
  if pgrep -f "runc --root $T/store" >/dev/null; then fail "$when: a runc process still runs"; fi
  for root in "$T"/store/work/*/runc; do
    [ -d "$root" ] || continue
    [ -z "$(runc --root "$root" list -q 2>/dev/null)" ] || fail "$when: runc still lists a container in $root"
  done
  if grep -F "$T/store" /proc/self/mountinfo >&2; then fail "$when: mounts under the store remain (above)"; fi
}
# Runs an unpacked OCI bundle (umoci unpack) with runc, without a terminal; prints its output.
run_bundle() {
  local bundle=$1
  jq '.process.terminal = false | del(.process.rlimits)' "$bundle/config.json" >"$bundle/config.json.new"
  mv "$bundle/config.json.new" "$bundle/config.json"
  (cd "$bundle" && runc run "strata-it-$$-$RANDOM" </dev/null)
}
# The debian tests' program: $T/w/build.strata whose default is a `debian` base holding bash,
# with the download cache the tests share (/var/tmp, so .debs are fetched once per machine).
write_debian_bash_program() {
  export STRATA_DEBIAN_CACHE=${STRATA_DEBIAN_CACHE:-/var/tmp/strata-test-debian-cache}
  mkdir -p "$STRATA_DEBIAN_CACHE" "$T/w"
  cat >"$T/w/build.strata" <<'STRATA'
{ default = debian { packages = [ "bash" ]; } |> entrypoint [ "bash" "-c" ]; }
STRATA
}
# The two-stage program of the image-consumer tests (docker load, podman): in $T/w, a busybox
# builder stage makes /out/msg from src/msg.txt; only that file and busybox go onto scratch,
# with an Env, an Entrypoint and a Cmd for the consumer to report.
write_two_stage_program() {
  mkdir -p "$T/w/src"
  mv "$T/busybox-layout" "$T/w/busybox-layout"
  echo "hello from strata" >"$T/w/src/msg.txt"
  cat >"$T/w/build.strata" <<'STRATA'
let
  base = load ./busybox-layout;
  builder = base
    |> workdir "/work"
    |> copy ./src "."
    |> run "mkdir -p /out && tr a-z A-Z < msg.txt > /out/msg";
in {
  default = scratch
    |> copy (builder / "/out/msg") "/msg"
    |> copy (base / "/bin/busybox") "/bin/"
    |> env "GREETING" "hello"
    |> entrypoint [ "/bin/busybox" "cat" ]
    |> cmd [ "/msg" ];
}
STRATA
}
