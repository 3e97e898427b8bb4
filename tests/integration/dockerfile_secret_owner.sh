#!/usr/bin/env bash
# A Dockerfile secret's owner and mode as BuildKit gives them (docs/dockerfile.md): 0:0 and
# 0400 by default, also for a step run as another user (who then cannot read it), else `uid`,
# `gid` and `mode`; a bad value is refused at its line; `strata import`'s translation builds
# the same image. A Strata program's secret without uid/gid stays the step user's. The figures
# are BuildKit's: the same steps (on buildkit_diff's busybox base, user app 1001:1002) built by
# dockerd 20.10 with `DOCKER_BUILDKIT=1 docker build --secret` printed 0:0 400, 1001:1002 440,
# 0:0 444 and, for uid= alone, 1001:0 400, and refused the non-root read (Permission denied).
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w/ctx"
echo "s3cr3t" >"$T/w/secret.txt"
cat >"$T/w/ctx/Dockerfile" <<'DF'
FROM busybox
RUN --mount=type=secret,id=tok stat -c '%u:%g %a' /run/secrets/tok >/default
USER builder
RUN --mount=type=secret,id=tok,uid=1000,gid=1000,mode=0440 stat -c '%u:%g %a' /run/secrets/tok >/tmp/owned && cat /run/secrets/tok >/tmp/read
RUN --mount=type=secret,id=tok,mode=0444 stat -c '%u:%g %a' /run/secrets/tok >/tmp/world && cat /run/secrets/tok >>/tmp/read
RUN --mount=type=secret,id=tok,uid=1000 stat -c '%u:%g %a' /run/secrets/tok >/tmp/uidonly
DF
BB="busybox=oci-layout://$T/busybox-layout:latest"
common=(--build-context "$BB" --secret "id=tok,src=$T/w/secret.txt")
build -f ctx/Dockerfile "${common[@]}" -o "oci:$T/layout:t" || { cat "$T/err"; fail "build failed"; }
image=$(digest)
umoci unpack --image "$T/layout:t" "$T/bundle" >/dev/null
R=$T/bundle/rootfs
[ "$(cat "$R/default")" = "0:0 400" ] || fail "default owner and mode: $(cat "$R/default")"
[ "$(cat "$R/tmp/owned")" = "1000:1000 440" ] || fail "uid/gid/mode: $(cat "$R/tmp/owned")"
[ "$(cat "$R/tmp/world")" = "0:0 444" ] || fail "mode alone: $(cat "$R/tmp/world")"
[ "$(cat "$R/tmp/uidonly")" = "1000:0 400" ] || fail "uid alone: $(cat "$R/tmp/uidonly")"
[ "$(cat "$R/tmp/read")" = $'s3cr3t\ns3cr3t' ] || fail "the user did not read the secret: $(cat "$R/tmp/read")"

# The translation carries the owner and mode: the same image.
(cd "$T/w" && "$STRATA" import --build-context "$BB" -o ctx/build.strata ctx/Dockerfile) 2>"$T/err" || { cat "$T/err"; fail "import failed"; }
expect_contains "$T/w/ctx/build.strata" 'uid = 1000; gid = 1000; mode = "0440";'
build -f ctx/build.strata --secret "id=tok,src=$T/w/secret.txt" || { cat "$T/err"; fail "building the translation failed"; }
[ "$(digest)" = "$image" ] || fail "the translation built $(digest), the Dockerfile $image"

# As another user without uid=: BuildKit's 0:0 0400 keeps it out, the step fails.
printf 'FROM busybox\nUSER builder\nRUN --mount=type=secret,id=tok cat /run/secrets/tok\n' >"$T/w/ctx/Dockerfile"
if build -f ctx/Dockerfile "${common[@]}"; then fail "a non-root step read a 0:0 0400 secret"; fi
expect_contains "$T/err" "Permission denied"
# A bad value is refused at its line.
printf 'FROM busybox\nRUN --mount=type=secret,id=tok,uid=app true\n' >"$T/w/ctx/Dockerfile"
if build -f ctx/Dockerfile "${common[@]}"; then fail "uid=app was accepted"; fi
expect_contains "$T/err" 'ctx/Dockerfile:2:5: error: --mount=type=secret: invalid uid "app"'
printf 'FROM busybox\nRUN --mount=type=secret,id=tok,mode=0999 true\n' >"$T/w/ctx/Dockerfile"
if build -f ctx/Dockerfile "${common[@]}"; then fail "mode=0999 was accepted"; fi
expect_contains "$T/err" 'invalid mode "0999" (octal)'

# A Strata program's secret is the step user's unless it says otherwise.
mv "$T/busybox-layout" "$T/w/busybox-layout"
cat >"$T/w/build.strata" <<'STRATA'
{
  default = load ./busybox-layout
    |> user "builder"
    |> runWith { secrets = [ { id = "tok"; } ]; } "stat -c '%u:%g %a' /run/secrets/tok >/tmp/mine"
    |> runWith { secrets = [ { id = "tok"; uid = 0; mode = "0444"; } ]; } "stat -c '%u:%g %a' /run/secrets/tok >/tmp/given";
}
STRATA
build --secret "id=tok,src=$T/w/secret.txt" -o "oci:$T/layout:p" || { cat "$T/err"; fail "program build failed"; }
rm -rf "$T/bundle" && umoci unpack --image "$T/layout:p" "$T/bundle" >/dev/null
[ "$(cat "$R/tmp/mine")" = "1000:1000 400" ] || fail "a program's secret: $(cat "$R/tmp/mine")"
[ "$(cat "$R/tmp/given")" = "0:1000 444" ] || fail "a program's secret with uid and mode: $(cat "$R/tmp/given")"
echo "PASS"
