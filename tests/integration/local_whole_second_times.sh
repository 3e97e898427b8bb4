#!/usr/bin/env bash
# A local source on a file system that keeps whole-second times (ext4 with 128-byte inodes, as
# NFS exports of old volumes, FAT keeps two seconds): a file rewritten in the same second as a
# build read it keeps its size, inode, mtime and ctime. The next build must still see the new
# bytes: the warm store gives the image a fresh store gives. (Before the fix, the local hash
# cache trusted the old digest because the cache file itself, on a nanosecond file system, was
# written later than the file's times: the warm build answered with the old image.)
source "$(dirname "$0")/lib.sh"

mkfs.ext4 -q -F -I 128 "$T/fs.img" 16M >/dev/null 2>&1 || fail "mkfs.ext4 failed"
mkdir -p "$T/w"
mount -o loop "$T/fs.img" "$T/w" || fail "cannot mount a loop device (the test needs one)"
cleanup() { umount "$T/w" 2>/dev/null || umount -l "$T/w"; rm -rf "$T"; }
mkdir -p "$T/w/src"
printf '{ default = scratch |> copy ./src "/src"; }\n' >"$T/w/build.strata"

# Write, build and rewrite within one second; retried when a build crosses a second boundary.
same_second=false
for attempt in $(seq 1 20); do
  while [ "$(date +%N | cut -c1-2)" -gt 20 ]; do sleep 0.01; done
  printf 'old-%02d\n' "$attempt" >"$T/w/src/file"
  before=$(stat -c '%i %s %Y %Z' "$T/w/src/file")
  build || { cat "$T/err"; fail "build of the old content failed"; }
  printf 'new-%02d\n' "$attempt" >"$T/w/src/file"
  if [ "$(stat -c '%i %s %Y %Z' "$T/w/src/file")" = "$before" ]; then
    same_second=true
    break
  fi
done
$same_second || fail "no build finished within the second its file was written (20 tries)"
[ "$(stat -c %y "$T/w/src/file" | cut -d. -f2 | tr -d '0 +')" = "" ] || fail "the file system keeps sub-second times"

build -o "oci:$T/warm:v1" || { cat "$T/err"; fail "warm build failed"; }
warm=$(digest)
STRATA_STORE=$T/fresh-store build || { cat "$T/err"; fail "fresh build failed"; }
fresh=$(digest)
[ "$warm" = "$fresh" ] || fail "the warm store gave $warm, a fresh store $fresh (stale content digest)"
umoci unpack --image "$T/warm:v1" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/src/file")" = "new-$(printf %02d "$attempt")" ] ||
  fail "the image holds '$(cat "$T/bundle/rootfs/src/file")', not the file's new content"
echo "ok (attempt $attempt)"
