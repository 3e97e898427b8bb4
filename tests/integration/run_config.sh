#!/usr/bin/env bash
# `strata run` runs the image as `podman run` and `docker run` do: entrypoint + cmd, or
# entrypoint + the arguments after `--` (spaces, quotes, `$` and empty ones kept as given), the
# image's User with its groups (the primary group among the supplementary ones too, as both
# engines set it), WorkingDir, Env (PATH by default, HOME from /etc/passwd), and the program's
# exit status. (podman and docker 20.10 printed these same lines for this image.)
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
cat >"$T/w/build.strata" <<'STRATA'
let base = load ./busybox-layout;
in {
  default = base
    |> run "mkdir -p /etc /home/alice/wd && echo root:x:0:0:root:/root:/bin/sh > /etc/passwd && echo alice:x:1234:1000::/home/alice:/bin/sh >> /etc/passwd && printf \"root:x:0:\\nusers:x:1000:\\nextra:x:777:alice\\n\" > /etc/group && chown 1234 /home/alice/wd"
    |> user "alice"
    |> workdir "/home/alice/wd"
    |> env "A" "x  y"
    |> entrypoint [ "/bin/sh" "-c" "echo \"n=$# 0=[$0] 1=[$1] 2=[$2]\"; id; pwd; echo \"A=[$A] HOME=$HOME PATH=$PATH\"; exit 7" ]
    |> cmd [ "first arg" "it's \"q\"" ];
}
STRATA
set +e
(cd "$T/w" && "$STRATA" run --progress plain) >"$T/run1" 2>"$T/err1"
status=$?
(cd "$T/w" && "$STRATA" run --progress plain -- "a b" '$HOME' "") >"$T/run2" 2>"$T/err2"
status2=$?
set -e
[ "$status" = 7 ] || { cat "$T/err1"; fail "strata run exited $status, the program 7"; }
[ "$status2" = 7 ] || { cat "$T/err2"; fail "strata run -- ARGS exited $status2, the program 7"; }
cat >"$T/expected1" <<'OUT'
n=1 0=[first arg] 1=[it's "q"] 2=[]
uid=1234(alice) gid=1000(users) groups=777(extra),1000(users)
/home/alice/wd
A=[x  y] HOME=/home/alice PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
OUT
sed '1s/.*/n=2 0=[a b] 1=[$HOME] 2=[]/' "$T/expected1" >"$T/expected2"
diff "$T/expected1" "$T/run1" || fail "strata run printed other lines than podman run (above)"
diff "$T/expected2" "$T/run2" || fail "strata run -- ARGS printed other lines than podman run (above)"
echo "PASS"
