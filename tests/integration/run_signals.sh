#!/usr/bin/env bash
# `strata run` passes SIGINT and SIGTERM to the program, as `podman run` (sig-proxy) and `docker
# run` do: a program that traps them shuts down its own way and its exit status is strata's.
# Afterwards nothing of the run is left running or mounted under the store.
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
tag="strata-run-signal-$$-$RANDOM"  # in the program's command line, to find its processes
cat >"$T/w/build.strata" <<STRATA
let base = load ./busybox-layout;
in {
  default = base |> entrypoint [ "/bin/sh" "-c"
    "trap 'echo got TERM; exit 42' TERM; trap 'echo got INT; exit 43' INT; echo ready; while :; do sleep 0.1; done; echo $tag" ];
}
STRATA
build || { cat "$T/err"; fail "build"; }

check_clean() {
  expect_sandbox_gone "$1" "$tag"
  [ -z "$(ls "$T/store/work")" ] || fail "$1: work dirs left behind: $(ls "$T/store/work")"
}

for sig in TERM INT; do
  (cd "$T/w" && exec "$STRATA" run --progress plain) >"$T/run-out" 2>"$T/run-err" &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q ready "$T/run-out" && break
    kill -0 "$pid" 2>/dev/null || { cat "$T/run-err"; fail "strata run ended before its program started"; }
    sleep 0.1
  done
  grep -q ready "$T/run-out" || fail "the program never started"
  kill -s "$sig" "$pid"
  set +e
  wait "$pid"
  status=$?
  set -e
  expected=42
  [ "$sig" = INT ] && expected=43
  [ "$status" = "$expected" ] || { cat "$T/run-out" "$T/run-err"; fail "SIG$sig: strata run exited $status, expected the program's $expected"; }
  expect_contains "$T/run-out" "got $sig"
  check_clean "SIG$sig"
done
echo "PASS"
