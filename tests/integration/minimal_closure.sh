#!/usr/bin/env bash
# `minimal` on a base holding a dynamically linked /bin/ls (merged-/usr layout): the image holds
# exactly ls, its interpreter and the libraries it needs (with the symlinks on the way), has a
# scratch config with only PATH, runs under runc; a static busybox has no closure; a stage
# without the interpreter or a library fails naming the executable and what is missing.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
bash "$HERE/fixtures/make-dynamic-ls-image.sh" "$T/w/ls-layout" >/dev/null
cat >"$T/w/build.strata" <<'STRATA'
let
  base = load ./ls-layout;
in {
  default = minimal base [ "/bin/ls" ];
  static = minimal (load ./busybox-layout) [ "busybox" ];
  ran = minimal base [ "ls" ] |> exec [ "/usr/bin/ls" "/" ];
  nointerp = minimal (scratch |> copy (base / "/usr/bin/ls") "/bin/ls") [ "/bin/ls" ];
  nolibs = minimal (scratch
    |> copy (base / "/usr/bin/ls") "/bin/ls"
    |> copy (base / "/lib64/ld-linux-x86-64.so.2") "/lib64/") [ "/bin/ls" ];
}
STRATA

build -o "oci:$T/layout:v1" || { cat "$T/err"; fail "build failed"; }
first=$(digest)
skopeo inspect --config "oci:$T/layout:v1" >"$T/config"
[ "$(jq -c .config.Env "$T/config")" = '["PATH=/usr/local/bin:/usr/bin:/bin"]' ] || { cat "$T/config"; fail "Env is not only PATH"; }
[ "$(jq -r '.config.Cmd // "none"' "$T/config")" = none ] || fail "the base's Cmd was kept"
[ "$(jq -r '.config.WorkingDir // "none"' "$T/config")" = none ] || fail "the base's WorkingDir was kept"
[ "$(jq -r '.history[-1].created_by' "$T/config")" = "MINIMAL /bin/ls" ] || { cat "$T/config"; fail "history"; }
[ "$(skopeo inspect "oci:$T/layout:v1" | jq '.Layers | length')" = 1 ] || fail "expected 1 layer"

umoci unpack --image "$T/layout:v1" "$T/bundle" >/dev/null
(cd "$T/bundle/rootfs" && find . | sort) >"$T/files"
libs=$(ldd /bin/ls | grep -o '/[^ ]*\.so[^ ]*' | grep -v ld-linux | xargs -n1 basename)
{
  printf '%s\n' . ./bin ./lib64 ./usr ./usr/bin ./usr/bin/ls ./usr/lib ./usr/lib/x86_64-linux-gnu \
    ./usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 ./usr/lib64 ./usr/lib64/ld-linux-x86-64.so.2
  for lib in $libs; do echo "./usr/lib/x86_64-linux-gnu/$lib"; done
} | sort >"$T/expected"
diff "$T/expected" "$T/files" || fail "the image does not hold exactly ls and its closure"
[ "$(readlink "$T/bundle/rootfs/bin")" = usr/bin ] || fail "/bin is not kept as a symlink"
[ "$(readlink "$T/bundle/rootfs/usr/lib64/ld-linux-x86-64.so.2")" = ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 ] \
  || fail "the interpreter symlink is not kept"
[ "$(stat -c %a "$T/bundle/rootfs/usr/bin/ls")" = 755 ] || fail "ls lost its mode"

jq '.process.args = ["/bin/ls", "/"]' "$T/bundle/config.json" >"$T/bundle/c" && mv "$T/bundle/c" "$T/bundle/config.json"
run_bundle "$T/bundle" >"$T/ls-out" || fail "ls does not run in the minimal image"
expect_contains "$T/ls-out" "usr"
expect_contains "$T/ls-out" "lib64"

# A name looked up in PATH (found as /usr/bin/ls, so no /bin symlink), run by strata's own sandbox on the minimal image.
build ran || { cat "$T/err"; fail "running ls in the minimal image failed"; }
expect_contains "$T/err" "lib64"

# Static busybox: just the file.
build static -o "oci:$T/static:v1" || { cat "$T/err"; fail "static build failed"; }
umoci unpack --image "$T/static:v1" "$T/bundle2" >/dev/null
[ "$(cd "$T/bundle2/rootfs" && find . | sort | tr '\n' ' ')" = ". ./bin ./bin/busybox " ] || fail "static closure is not just busybox"

# Errors name the executable and what is missing.
build nointerp && fail "minimal without the interpreter succeeded"
expect_contains "$T/err" "/bin/ls needs the interpreter /lib64/ld-linux-x86-64.so.2"
build nolibs && fail "minimal without libraries succeeded"
expect_contains "$T/err" "/bin/ls needs lib"
expect_contains "$T/err" "which is not in the stage's library path"

# Reproducible and cached.
STRATA_STORE=$T/store2 build || fail "second store build failed"
[ "$(digest)" = "$first" ] || fail "two stores gave different digests"
echo "PASS"
