#!/usr/bin/env bash
# Failing steps and secrets: a failing RUN names the node, command, exit status and last output
# lines at its file:line:col and commits nothing after it; a missing required secret fails before running; a
# secret's content reaches no layer, record or store file.
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"

cat >"$T/w/build.strata" <<'STRATA'
let
  base = load ./busybox-layout;
in {
  failing = base
    |> run "for i in $(seq 1 30); do echo line-$i; done; exit 7"
    |> run "echo never-runs > /never";
  secret = base
    |> runWith { secrets = [ { id = "token"; } ]; } "wc -c < /run/secrets/token > /len && cat /run/secrets/token | tr a-z A-Z > /dev/null";
  optional = base
    |> runWith { secrets = [ { id = "other"; required = false; } ]; } "test ! -e /run/secrets/other && echo ok > /ok";
}
STRATA

# A failing RUN.
if build failing; then fail "a failing RUN succeeded"; fi
expect_contains "$T/err" "exit status 7"
expect_contains "$T/err" "for i in"
expect_contains "$T/err" "line-30"
expect_contains "$T/err" "line-11"
sed -n '/: error: exec node/,$p' "$T/err" >"$T/message"
expect_contains "$T/message" "  | line-11"
grep -qx "  | line-10" "$T/message" && fail "more than the last 20 lines are quoted"
grep -qE "exec node [0-9a-f]{32}" "$T/err" || { cat "$T/err"; fail "the error does not name the node key"; }
# ... at the step in the program (file:line:col of the pipeline that applies the failing run).
grep -qE "^build.strata:4:13: error: exec node [0-9a-f]{32}" "$T/err" || { cat "$T/err"; fail "the error does not point at the failing run's line"; }
expect_not_contains "$T/err" "never-runs"
# A Dockerfile's RUN as a user its image lacks fails as BuildKit's does, at its line.
printf 'FROM busybox\nUSER nosuch\nRUN touch /tmp/x\n' >"$T/w/user.Dockerfile"
if build -f user.Dockerfile --build-context busybox=oci-layout://busybox-layout; then fail "a RUN as an unknown user succeeded"; fi
grep -qE "^user.Dockerfile:3:1: error: exec node [0-9a-f]{32} \(RUN touch /tmp/x\) failed: unable to find user 'nosuch'" "$T/err" ||
  { cat "$T/err"; fail "the unknown user's error is not at the RUN's line"; }
[ -z "$(cat "$T/out")" ] || fail "a failed build printed a digest"

# A missing secret fails before anything runs.
if build secret; then fail "a build without its required secret succeeded"; fi
expect_contains "$T/err" "secret 'token' is required"
expect_contains "$T/err" "--secret id=token"
expect_not_contains "$T/err" "start"

# With the secret: the step sees it, the layer and the store do not.
printf 'supersecretvalue42' >"$T/token"
build secret --secret "id=token,src=$T/token" -o "oci:$T/layout:latest" || { cat "$T/err"; fail "build with a secret failed"; }
expect_not_contains "$T/err" "supersecretvalue42"
! grep -rq "supersecretvalue42" "$T/store" || fail "the secret's content is in the store"
! grep -rqi "supersecretvalue42" "$T/layout" || fail "the secret's content is in the image"
for blob in "$T"/store/blobs/sha256/*; do
  if gzip -t "$blob" 2>/dev/null; then
    ! gzip -dc "$blob" | grep -aq "supersecretvalue42" || fail "a layer holds the secret"
    ! gzip -dc "$blob" | tar -t 2>/dev/null | grep -q "run/secrets" || fail "a layer holds the secret's mount point"
  fi
done
umoci unpack --image "$T/layout" "$T/bundle" >/dev/null
[ "$(tr -d ' ' <"$T/bundle/rootfs/len")" = 18 ] || fail "the step did not read the secret"

# An optional secret that is not given is simply absent.
build optional || { cat "$T/err"; fail "an optional secret broke the build"; }
echo "PASS"
