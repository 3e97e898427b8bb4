#!/usr/bin/env bash
# Other local users cannot reach what the store holds (issue 11, item 4): a layer with a setuid
# program, once extracted, is out of reach of uid 65534, in a new store and in one an older
# Strata made world-readable.
source "$(dirname "$0")/lib.sh"
chmod 755 "$T"  # mktemp made it private; the store itself must be what keeps others out
mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
cat >"$T/w/build.strata" <<'STRATA'
let base = load ./busybox-layout; in {
  default = base |> run "cp /bin/busybox /suid && chmod 4755 /suid" |> run "echo next > /next";
}
STRATA
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

for store in "$T/store" "$T/old"; do
  if [ "$store" = "$T/old" ]; then
    # A store as older versions left it: every directory 0755.
    mkdir -p "$store"/{blobs/sha256,nodes,locks,tmp,layers,work,artifacts,cache,roots}
    chmod -R 755 "$store"
  fi
  STRATA_STORE=$store build || { cat "$T/err"; fail "build failed"; }
  suid=$(find "$store/layers" -name suid -perm -4000 | head -n 1)
  [ -n "$suid" ] || fail "no extracted setuid file under $store/layers (the test needs one)"
  [ -u "$suid" ] || fail "$suid is not setuid"
  ! nobody stat "$suid" >/dev/null 2>&1 || fail "uid 65534 can reach $suid"
  ! nobody ls "$store/layers" >/dev/null 2>&1 || fail "uid 65534 can list $store/layers"
  for dir in blobs nodes tmp layers work artifacts cache roots; do
    [ "$(stat -c %a "$store/$dir")" = 700 ] || fail "$store/$dir is $(stat -c %a "$store/$dir"), not 700"
  done
done
[ "$(stat -c %a "$T/store")" = 700 ] || fail "a new store root is $(stat -c %a "$T/store"), not 700"
echo "PASS"
