#!/usr/bin/env bash
# .dockerignore with exceptions, as BuildKit applies it: a COPY of a directory that the rules
# exclude but re-include parts of (alternating exclude/include down a tree) copies just what
# the rules leave, file for file; X.Dockerfile reads X.Dockerfile.dockerignore first.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w/ctx"
cd "$T/w/ctx"
mkdir -p a/b/c/d e node_modules/m
echo x >a/x; echo y >a/b/y; echo z >a/b/c/z; echo w >a/b/c/d/w; echo top >top.txt
echo f >e/f; echo '{}' >node_modules/m/package.json; echo js >node_modules/m/index.js
cat >.dockerignore <<'IGN'
# alternating down a tree
a
!a/b
a/b/c
!a/b/c/d
/e/
node_modules
!node_modules/**/*.json
IGN
cat >Dockerfile <<'DF'
FROM scratch
COPY a /dst/
COPY . /all/
COPY node_modules/m /m/
DF
build -f ctx/Dockerfile -o "oci:$T/layout:v1" || { cat "$T/err"; fail "build failed"; }
umoci unpack --image "$T/layout:v1" "$T/bundle" >/dev/null
(cd "$T/bundle/rootfs" && find dst all m -type f | sort) >"$T/files"
cat >"$T/want" <<'WANT'
all/.dockerignore
all/Dockerfile
all/a/b/c/d/w
all/a/b/y
all/node_modules/m/package.json
all/top.txt
dst/b/c/d/w
dst/b/y
m/package.json
WANT
diff -u "$T/want" "$T/files" || fail "the image holds other files than the rules leave"
[ "$(cat "$T/bundle/rootfs/dst/b/c/d/w")" = w ] || fail "dst/b/c/d/w has other content"

# A file the rules exclude is still refused, with its line.
printf 'FROM scratch\nCOPY a/x /\n' >Dockerfile
! build -f ctx/Dockerfile || fail "COPY of an excluded file succeeded"
expect_contains "$T/err" 'Dockerfile:2'
expect_contains "$T/err" '"a/x" is excluded by .dockerignore'

# X.Dockerfile uses X.Dockerfile.dockerignore, not .dockerignore.
printf 'FROM scratch\nCOPY a/x /x\n' >app.Dockerfile
printf 'top.txt\n' >app.Dockerfile.dockerignore
build -f ctx/app.Dockerfile -o "oci:$T/layout2:v1" || { cat "$T/err"; fail "app.Dockerfile build failed"; }
printf 'FROM scratch\nCOPY top.txt /\n' >app.Dockerfile
! build -f ctx/app.Dockerfile || fail "app.Dockerfile.dockerignore was not applied"
expect_contains "$T/err" '"top.txt" is excluded by .dockerignore'
echo "ok"
