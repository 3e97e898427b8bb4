#!/usr/bin/env bash
# A cancelled build leaves nothing: SIGINT and SIGTERM during a RUN step that holds a secret kill
# its container and undo every mount before strata exits (dying of the signal, as a shell
# expects); after SIGKILL the next strata command on the store does it. Nothing runs, nothing
# stays mounted under the store, and the secret's text is readable nowhere.
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
secret="tok-$RANDOM$RANDOM$RANDOM"
echo "$secret" >"$T/s.txt"
tag="strata-cancel-test-$$-$RANDOM"  # in the step's sh command line, to find its processes
cat >"$T/w/build.strata" <<STRATA
let base = load ./busybox-layout;
in { default = base |> runWith { secrets = [ { id = "tok"; } ]; } "cat /run/secrets/tok > /dev/null; touch /started; sleep 40; echo $tag"; }
STRATA

pid=
start_build() {
  (cd "$T/w" && exec "$STRATA" build --progress plain --secret "id=tok,src=$T/s.txt") >"$T/out" 2>"$T/err" &
  pid=$!
  for _ in $(seq 1 600); do
    if compgen -G "$T/store/work/exec-*/upper/started" >/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$T/err"; fail "the build ended before its step started"; }
    sleep 0.1
  done
  fail "the step never started"
}

# Nothing of the build is left running, mounted or readable.
check_clean() {
  expect_sandbox_gone "$1" "$tag"
  if grep -rqsF "$secret" "$T/store" /run/strata 2>/dev/null; then fail "$1: the secret is still readable"; fi
}

for sig in INT TERM; do
  start_build
  kill -s "$sig" "$pid"
  set +e
  wait "$pid"
  status=$?
  set -e
  expected=$((128 + $(kill -l "$sig")))
  [ "$status" = "$expected" ] || { cat "$T/err"; fail "SIG$sig: strata exited $status, expected $expected"; }
  check_clean "SIG$sig"
  expect_contains "$T/err" "stopping the build"
  expect_not_contains "$T/err" "$secret"
  [ -z "$(ls "$T/store/work")" ] || fail "SIG$sig: work dirs left behind: $(ls "$T/store/work")"
done

# SIGKILL: nothing can clean up at once; the container goes on until the next command.
start_build
kill -s KILL "$pid"
wait "$pid" || true
pgrep -f "$tag" >/dev/null || fail "after SIGKILL the step should still run until the next command"
(cd "$T/w" && "$STRATA" check) >"$T/check-out" 2>"$T/check-err" || { cat "$T/check-err"; fail "strata check failed"; }
check_clean "SIGKILL, then strata check"
[ -z "$(ls "$T/store/work")" ] || fail "SIGKILL: work dirs left behind: $(ls "$T/store/work")"
echo "PASS"
