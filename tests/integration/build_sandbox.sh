#!/usr/bin/env bash
# What a RUN step sees: no network, no host files, the stage's user; and `strata run` runs an
# image here with its output on our stdout and its exit status as ours.
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
echo "host-only-marker" >"$T/host-file"

cat >"$T/w/build.strata" <<STRATA
let
  base = load ./busybox-layout;
in {
  probe = base
    |> run "if wget -q -T 3 -O /dev/null http://10.0.2.2/ || wget -q -T 3 -O /dev/null http://1.1.1.1/; then echo reachable; else echo unreachable; fi > /net"
    |> run "if test -e $T/host-file; then echo visible; else echo hidden; fi > /host"
    |> user "builder"
    |> run "id -u > /home/builder/uid && id -un >> /home/builder/uid";
  hello = base
    |> workdir "/data"
    |> run "echo 'hello from the image' > greeting"
    |> entrypoint [ "/bin/sh" "-c" ]
    |> cmd [ "cat greeting; exit 3" ];
}
STRATA

build probe -o "oci:$T/layout:latest" || { cat "$T/err"; fail "build failed"; }
umoci unpack --image "$T/layout:latest" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/net")" = unreachable ] || fail "a RUN step reached the network"
[ "$(cat "$T/bundle/rootfs/host")" = hidden ] || fail "a RUN step saw a host file"
[ "$(cat "$T/bundle/rootfs/home/builder/uid" | tr '\n' ' ')" = "1000 builder " ] || fail "the step did not run as the stage's user"
[ "$(stat -c %u "$T/bundle/rootfs/home/builder/uid")" = 1000 ] || fail "the step's file is not owned by its user"

# strata run: the image's output on stdout, its exit status as ours.
set +e
(cd "$T/w" && "$STRATA" run --progress plain hello) >"$T/run-out" 2>"$T/run-err"
status=$?
set -e
[ "$status" = 3 ] || { cat "$T/run-err"; fail "strata run exited $status, expected 3"; }
[ "$(cat "$T/run-out")" = "hello from the image" ] || { cat "$T/run-out" "$T/run-err"; fail "strata run printed something else"; }
# Arguments after -- replace the image's cmd.
(cd "$T/w" && "$STRATA" run --progress plain hello -- 'pwd; id -u') >"$T/run-out" 2>"$T/run-err" \
  || { cat "$T/run-err"; fail "strata run with arguments failed"; }
[ "$(cat "$T/run-out" | tr '\n' ' ')" = "/data 0 " ] || { cat "$T/run-out"; fail "strata run -- ARGS printed something else"; }
echo "PASS"
