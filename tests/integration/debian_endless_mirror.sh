#!/usr/bin/env bash
# A Debian mirror (or anyone on the plain-http path to it) that answers with endless bytes: the
# signature and the sha256 checks reject what it sends, but only once it stops, so every read
# must be bounded by what is known beforehand. A .deb by the size its lock entry (or index
# stanza) gives, InRelease by a fixed limit. The build fails at once naming the file, and the
# fake mirror has sent little; before, the build read all it was sent (here 300 MB; the store's
# disk or the memory, without a cap).
source "$(dirname "$0")/lib.sh"
export STRATA_DEBIAN_CACHE=$T/debian-cache  # empty: every file comes from the fake mirror
mkdir -p "$T/w" "$STRATA_DEBIAN_CACHE"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$T/mirror.py" <<'PY'
import http.server, sys
cap = 300 << 20
log = sys.argv[2]
class Endless(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        sent, chunk = 0, b"\0" * (1 << 16)
        try:
            while sent < cap:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        with open(log, "a") as f:
            f.write("%s %d\n" % (self.path, sent))
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Endless).serve_forever()
PY
python3 "$T/mirror.py" "$port" "$T/sent" &
mirror_pid=$!
trap 'kill $mirror_pid 2>/dev/null || true; wait $mirror_pid 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 100); do
  python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])))' "$port" 2>/dev/null && break
  sleep 0.1
done
mirror=http://127.0.0.1:$port/debian
# sent PATH-SUFFIX: the bytes the fake mirror sent for the (last) request ending so.
sent() { grep -- "$1 " "$T/sent" | tail -n 1 | cut -d' ' -f2; }
wait_sent() { for _ in $(seq 100); do [ -n "$(sent "$1")" ] && return; sleep 0.1; done; fail "no request for $1"; }

# A locked base: one package of 1000 bytes.
cat >"$T/w/build.strata" <<'STRATA'
{ default = debian { packages = [ "bash" ]; }; }
STRATA
cat >"$T/w/strata.lock" <<JSON
{"version": 1, "debian": {"bookworm/amd64 bash": {
  "packages": [{"arch": "amd64", "filename": "pool/main/b/bash/bash_1_amd64.deb", "name": "bash",
                "sha256": "$(printf 'a%.0s' $(seq 64))", "size": 1000, "version": "1"}],
  "release": {"date": "Sat, 11 Jul 2026 10:16:37 UTC", "sha256": "$(printf 'b%.0s' $(seq 64))", "suite": "bookworm"}}}}
JSON
set +e
build --debian-mirror "$mirror"; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "a .deb of endless bytes: exit $rc"; }
expect_contains "$T/err" "package bash 1"
expect_contains "$T/err" "more than the 1000 bytes"
wait_sent bash_1_amd64.deb
[ "$(sent bash_1_amd64.deb)" -lt $((32 << 20)) ] || fail "the build read $(sent bash_1_amd64.deb) bytes of a 1000-byte .deb"
[ -z "$(find "$STRATA_STORE/tmp" -type f 2>/dev/null)" ] || fail "the refused download left a temp file"
[ -z "$(ls "$STRATA_DEBIAN_CACHE")" ] || fail "the refused download entered the download cache"

# A download-cache entry that never ends (a FIFO named by the sha256): refused unread, at once.
mkfifo "$STRATA_DEBIAN_CACHE/$(printf 'a%.0s' $(seq 64))"
set +e
timeout 60 bash -c "$(declare -f build); T=$T STRATA=$STRATA build --debian-mirror $mirror"; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "a FIFO in the download cache: exit $rc (124: it hung)"; }
expect_contains "$T/err" "(from the download cache $STRATA_DEBIAN_CACHE): not a regular file"
rm "$STRATA_DEBIAN_CACHE/$(printf 'a%.0s' $(seq 64))"

# An unlocked base: InRelease itself is endless.
rm "$T/w/strata.lock"
set +e
build --debian-mirror "$mirror"; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "an endless InRelease: exit $rc"; }
expect_contains "$T/err" "InRelease"
wait_sent InRelease
[ "$(sent InRelease)" -lt $((64 << 20)) ] || fail "the build read $(sent InRelease) bytes of InRelease"
echo PASS
