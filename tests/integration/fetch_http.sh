#!/usr/bin/env bash
# `fetch` through the registry client's transfer path (oci::Perform): an http:// download from a
# server on loopback and a file:// one land in the image with their bytes; a wrong sha256, a 404
# and an unreachable server each fail the build with exit 1 and a message naming the URL, and
# leave nothing a later build trusts (the right sha256 then builds).
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w" "$T/served"
echo "served over http" >"$T/served/tool.txt"
echo "read from a file" >"$T/served/local.txt"
tool_sha=$(sha256sum "$T/served/tool.txt" | cut -d' ' -f1)
local_sha=$(sha256sum "$T/served/local.txt" | cut -d' ' -f1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$T/served" && exec python3 -m http.server --bind 127.0.0.1 "$port") >"$T/http.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/tool.txt" >/dev/null && break; sleep 0.1; done

# write_program URL SHA256
write_program() {
  cat >"$T/w/build.strata" <<STRATA
{
  default = scratch
    |> copy (fetch { url = "$1"; sha256 = "$2"; }) "/tool.txt"
    |> copy (fetch { url = "file://$T/served/local.txt"; sha256 = "$local_sha"; }) "/local.txt";
}
STRATA
}

# A wrong sha256: exit 1, both digests named.
wrong=$(printf '0%.0s' {1..64})
write_program "http://127.0.0.1:$port/tool.txt" "$wrong"
build && fail "a wrong sha256 was accepted"
expect_contains "$T/err" "fetch http://127.0.0.1:$port/tool.txt: checksum mismatch: expected sha256 $wrong, got $tool_sha"

# A missing file on the server: the HTTP status, not a checksum message.
write_program "http://127.0.0.1:$port/missing.txt" "$tool_sha"
build && fail "a 404 was accepted"
expect_contains "$T/err" "fetch http://127.0.0.1:$port/missing.txt: HTTP status 404"

# Nothing listens: a message about the download server, not a registry.
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
write_program "http://127.0.0.1:$dead/tool.txt" "$tool_sha"
build && fail "an unreachable server was accepted"
expect_contains "$T/err" "cannot reach download server 127.0.0.1:$dead"
expect_not_contains "$T/err" "registry"

# The right sha256: both files in the image, byte for byte; the store checks clean.
write_program "http://127.0.0.1:$port/tool.txt" "$tool_sha"
build -o "oci:$T/layout:v1" || { cat "$T/err"; fail "the right sha256 did not build"; }
umoci unpack --image "$T/layout:v1" "$T/bundle" >/dev/null
cmp "$T/served/tool.txt" "$T/bundle/rootfs/tool.txt" || fail "the http download differs"
cmp "$T/served/local.txt" "$T/bundle/rootfs/local.txt" || fail "the file:// download differs"
"$STRATA" store verify >"$T/verify" 2>&1 || { cat "$T/verify"; fail "store verify after the fetches"; }

# A warm rebuild fetches nothing: the server may be gone.
kill $server; wait $server 2>/dev/null || true
build -o "oci:$T/layout:v1" || { cat "$T/err"; fail "the warm rebuild needed the server"; }
echo "ok: fetch over http and file://, wrong sha256, 404 and unreachable server refused"
