#!/usr/bin/env bash
# Two local sources with the same content in two folders are one derivation (one key) but keep
# their own folders: the `dockerfile` builtin's default context is its own Dockerfile's folder,
# and `keepModes` reads its own folder's modes, even when the first folder was evaluated first.
# (Before the fix, the second Dockerfile was lowered against the first one's folder.)
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w/a" "$T/w/b" "$T/w/ma" "$T/w/mb"
cd "$T/w"
printf 'FROM scratch\nCOPY . /app\n' >a/Dockerfile
cp a/Dockerfile b/Dockerfile
echo from-a >a/file.txt
echo from-b >b/file.txt
echo same >ma/tool
echo same >mb/tool
chmod 0644 ma/tool
chmod 0755 mb/tool
cat >build.strata <<'PROG'
let
  a = (dockerfile ./a/Dockerfile {}).final;
  b = (dockerfile ./b/Dockerfile {}).final;
in {
  default = scratch
    |> copy (a / "/app") "/a"
    |> copy (b / "/app") "/b"
    |> copy (keepModes ./ma) "/ma"
    |> copy (keepModes ./mb) "/mb";
}
PROG
build -o "oci:$T/layout:v1" || { cat "$T/err"; fail "build failed"; }
umoci unpack --image "$T/layout:v1" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/a/file.txt")" = from-a ] || fail "a's context is not a's folder"
[ "$(cat "$T/bundle/rootfs/b/file.txt")" = from-b ] || fail "b's Dockerfile was lowered against another folder"
[ "$(stat -c %a "$T/bundle/rootfs/ma/tool")" = 644 ] || fail "keepModes ./ma lost its mode"
[ "$(stat -c %a "$T/bundle/rootfs/mb/tool")" = 755 ] || fail "keepModes ./mb took another folder's modes"

# The graph lists the two identical Dockerfiles once (one key), and the two contexts apart.
(cd "$T/w" && "$STRATA" graph) >"$T/graph" || fail "graph failed"
[ "$(grep -c ' local ' "$T/graph")" -ge 4 ] || { cat "$T/graph"; fail "the graph lost a local source"; }
[ "$(awk '{print $1}' "$T/graph" | sort | uniq -d | wc -l)" = 0 ] || { cat "$T/graph"; fail "a key is printed twice"; }
echo PASS
