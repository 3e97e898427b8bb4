#!/usr/bin/env bash
# Careless or hostile command lines get one clear error, fast, before any work: program files
# that are not regular files or are too large, a directory named Dockerfile, a directory as a
# secret, a bad docker-archive reference, unwritable outputs, gc on a read-only store. A build
# waiting for another build's lock says what it waits for.
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
cat >"$T/w/build.strata" <<'STRATA'
let base = load ./busybox-layout;
in {
  default = base |> run "echo built > /out";
  # Runs until the test creates go in its cache dir (<store>/cache/_2fc on the host).
  slow = base |> runWith { cache = [ "/c" ]; } "touch /started; while ! test -e /c/go; do sleep 0.1; done; echo slow > /slow";
}
STRATA
# expect_error STATUS TEXT COMMAND...: the command (given 60 s at most) exits STATUS and says TEXT.
expect_error() {
  local status=$1 text=$2
  shift 2
  set +e
  (cd "$T/w" && timeout 60 "$@") >"$T/out" 2>"$T/err"
  local got=$?
  set -e
  [ "$got" = "$status" ] || { cat "$T/err"; fail "$*: exit status $got, expected $status"; }
  expect_contains "$T/err" "$text"
}

# Program files: only regular files, of bounded size.
# Any -f path that is no .strata program is a Dockerfile (docs/cli.md).
expect_error 1 "cannot read Dockerfile /dev/zero: is not a regular file (a character device)" "$STRATA" check -f /dev/zero
mkfifo "$T/fifo"
expect_error 1 "is not a regular file (a FIFO)" "$STRATA" check -f "$T/fifo"
expect_error 1 "is not a regular file (a FIFO)" "$STRATA" build --frontend dockerfile -f "$T/fifo"
# Sparse, so the test stays fast: the size is refused before a byte is read.
truncate -s 67108865 "$T/big.strata"
expect_error 1 "is 67108865 bytes; a program file may be at most 64 MiB" "$STRATA" check -f "$T/big.strata"
mkdir -p "$T/dir/Dockerfile"
expect_error 1 "cannot read Dockerfile $T/dir/Dockerfile: is a directory" "$STRATA" build -f "$T/dir/Dockerfile"

# A secret must be a file.
expect_error 1 "secret 'x': '$T/dir' is not a regular file (a directory)" "$STRATA" build --secret "id=x,src=$T/dir"

# Outputs are checked before the build runs: nothing is built for a bad one.
expect_error 2 "invalid image reference 'Bad@@Ref'" "$STRATA" build -o "docker-archive:$T/x.tar:Bad@@Ref"
expect_error 2 "is a digest reference" "$STRATA" build -o "docker-archive:$T/x.tar:busybox@sha256:$(printf 'a%.0s' {1..64})"
expect_error 2 "directory '$T/missing' does not exist" "$STRATA" build -o "oci-archive:$T/missing/x.tar"
expect_error 2 "is a directory; an archive output names a file" "$STRATA" build -o "docker-archive:$T/dir"
touch "$T/file"
expect_error 2 "exists and is not a directory" "$STRATA" build -o "oci:$T/file"
expect_error 2 "'$T/file' is not a directory" "$STRATA" build -o "oci:$T/file/sub/layout"
[ ! -d "$T/store/nodes" ] || [ -z "$(ls "$T/store/nodes")" ] || fail "a build with a bad output did work first"
build -o "oci:$T/new/sub/layout" || { cat "$T/err"; fail "a layout in new directories failed"; }

# A build waiting for another build of the same node says so.
(cd "$T/w" && exec "$STRATA" build --progress plain slow) >"$T/first-out" 2>"$T/first-err" &
first=$!
for _ in $(seq 1 600); do
  compgen -G "$T/store/work/exec-*/upper/started" >/dev/null && break
  sleep 0.1
done
(cd "$T/w" && exec "$STRATA" build --progress plain slow) >"$T/second-out" 2>"$T/second-err" &
second=$!
for _ in $(seq 1 600); do
  grep -q "waiting for another" "$T/second-err" && break
  sleep 0.1
done
touch "$T/store/cache/_2fc/go"
wait "$first" || { cat "$T/first-err"; fail "the first build failed"; }
wait "$second" || { cat "$T/second-err"; fail "the second build failed"; }
expect_contains "$T/second-err" "waiting for another strata build on this store, which is building this node (RUN touch /started"
expect_contains "$T/second-err" "cached exec"

# gc on a read-only store says so.
mkdir -p "$T/ro"
mount --bind "$T/store" "$T/ro"
trap 'umount "$T/ro" 2>/dev/null || true; cleanup' EXIT
mount -o remount,bind,ro "$T/ro"
expect_error 1 "is on a read-only filesystem; gc cannot remove anything" "$STRATA" gc --store "$T/ro" --keep-days 0
umount "$T/ro"
echo "PASS"
