#!/usr/bin/env bash
# A bind-mounted local artifact shows the step exactly what the node's key covers: files left out
# by `ignore` (or a Dockerfile's .dockerignore) and .git are not visible, so editing them
# rightly leaves the step cached; editing a file that is visible rebuilds it. Modes are what a
# COPY of the same source gives: normalised for Strata's local sources, as on disk for a
# Dockerfile's context (BuildKit's bind mounts show the context's modes).
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w/src/.git" "$T/w/ctx/sub"
mv "$T/busybox-layout" "$T/w/busybox-layout"
echo "ref: refs/heads/main" >"$T/w/src/.git/HEAD"
for dir in src ctx/sub; do
  echo "kept" >"$T/w/$dir/keep.txt"
  echo "API_KEY=first" >"$T/w/$dir/secret.env"
  chmod 0640 "$T/w/$dir/keep.txt"
done
probe="ls -a /m > /listing; cat /m/keep.txt > /kept; stat -c %a /m/keep.txt > /mode; if test -e /m/secret.env; then echo visible; else echo hidden; fi > /secret"
cat >"$T/w/build.strata" <<STRATA
let base = load ./busybox-layout;
in { default = base |> runWith { mounts = [ { artifact = ignore [ "secret.env" ] ./src; target = "/m"; } ]; } "$probe"; }
STRATA
printf 'sub/secret.env\n' >"$T/w/ctx/.dockerignore"
cat >"$T/w/ctx/Dockerfile" <<EOF2
FROM busybox
RUN --mount=type=bind,source=sub,target=/m $probe
EOF2
BB="busybox=oci-layout://$T/w/busybox-layout:latest"

check_image() {  # WHAT CONTENT MODE: the last build's image shows keep.txt only
  rm -rf "$T/bundle"
  umoci unpack --image "$T/layout:latest" "$T/bundle" >/dev/null
  [ "$(cat "$T/bundle/rootfs/secret")" = hidden ] || fail "$1: the step saw the ignored secret.env"
  listing=$(tr '\n' ' ' <"$T/bundle/rootfs/listing")
  [ "$listing" = ". .. keep.txt " ] || fail "$1: the step saw $listing"
  [ "$(cat "$T/bundle/rootfs/kept")" = "$2" ] || fail "$1: the step read keep.txt as '$(cat "$T/bundle/rootfs/kept")'"
  [ "$(cat "$T/bundle/rootfs/mode")" = "$3" ] || fail "$1: the step saw keep.txt with mode $(cat "$T/bundle/rootfs/mode"), not $3"
}

for kind in strata dockerfile; do
  if [ $kind = strata ]; then args=(); dir=src; mode=644; else args=(-f ctx/Dockerfile --build-context "$BB"); dir=ctx/sub; mode=640; fi
  build "${args[@]}" -o "oci:$T/layout:latest" || { cat "$T/err"; fail "$kind: build failed"; }
  first=$(digest)
  check_image "$kind" kept $mode
  # The ignored file is not part of the step's input: editing it keeps the step cached.
  echo "API_KEY=second" >"$T/w/$dir/secret.env"
  [ $kind = strata ] && echo "ref: refs/heads/other" >"$T/w/src/.git/HEAD"
  build "${args[@]}" || { cat "$T/err"; fail "$kind: rebuild failed"; }
  expect_not_contains "$T/err" "start  exec"
  [ "$(digest)" = "$first" ] || fail "$kind: editing an ignored file changed the image"
  # A visible file is: editing it reruns the step, which sees the new content.
  echo "changed" >"$T/w/$dir/keep.txt"
  build "${args[@]}" -o "oci:$T/layout:latest" || { cat "$T/err"; fail "$kind: rebuild after an edit failed"; }
  expect_contains "$T/err" "start  exec"
  check_image "$kind after an edit" changed $mode
  # A mode change is part of a context's key (the step reruns and sees it), not of a normalised
  # local source's (0600 and 0640 both show as 644: the step stays cached).
  chmod 0600 "$T/w/$dir/keep.txt"
  build "${args[@]}" -o "oci:$T/layout:latest" || { cat "$T/err"; fail "$kind: rebuild after chmod failed"; }
  if [ $kind = strata ]; then
    expect_not_contains "$T/err" "start  exec"
    check_image "$kind after chmod" changed 644
  else
    expect_contains "$T/err" "start  exec"
    check_image "$kind after chmod" changed 600
  fi
done
echo "PASS"
