#!/usr/bin/env bash
# `docker load` of a docker-archive from `strata build`: a private dockerd (Debian's docker.io,
# its own data, exec and socket dirs, no iptables, no bridge) loads the two-stage busybox image,
# runs it without network and reports the same config (Entrypoint, Cmd, Env) as the archive.
# Nothing is pulled: `docker run --pull=never`.
source "$(dirname "$0")/lib.sh"

dockerd=$(command -v dockerd || true)
[[ -x /usr/sbin/dockerd ]] && dockerd=/usr/sbin/dockerd
[[ -n $dockerd && -x /usr/bin/docker ]] || fail "dockerd or /usr/bin/docker missing (apt-get install docker.io)"

D=$(mktemp -d /tmp/strata-dockerd.XXXXXX)
dockerd_pid=""
stop_dockerd() {
  if [[ -n $dockerd_pid ]] && kill -0 "$dockerd_pid" 2>/dev/null; then
    kill "$dockerd_pid"
    for _ in $(seq 80); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$dockerd_pid" 2>/dev/null && kill -9 "$dockerd_pid"
  fi
  # Whatever dockerd left mounted under its own dirs (netns files, overlays), deepest first.
  awk -v d="$D/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf "$D"
  cleanup
}
trap stop_dockerd EXIT

"$dockerd" --iptables=false --ip6tables=false --bridge=none --data-root "$D/data" --exec-root "$D/exec" \
  -H "unix://$D/docker.sock" --pidfile "$D/docker.pid" >"$D/dockerd.log" 2>&1 &
dockerd_pid=$!
dk() { /usr/bin/docker -H "unix://$D/docker.sock" "$@"; }
for _ in $(seq 120); do
  dk version >/dev/null 2>&1 && break
  kill -0 "$dockerd_pid" 2>/dev/null || { tail -n 20 "$D/dockerd.log" >&2; fail "dockerd exited at start"; }
  sleep 0.25
done
dk version >/dev/null 2>&1 || { tail -n 20 "$D/dockerd.log" >&2; fail "dockerd did not answer within 30 s"; }

mkdir -p "$T/w/src"
mv "$T/busybox-layout" "$T/w/busybox-layout"
echo "hello from strata" >"$T/w/src/msg.txt"
cat >"$T/w/build.strata" <<'STRATA'
let
  base = load ./busybox-layout;
  builder = base
    |> workdir "/work"
    |> copy ./src "."
    |> run "mkdir -p /out && tr a-z A-Z < msg.txt > /out/msg";
  tools = base / "/bin/busybox";
in {
  default = scratch
    |> copy (builder / "/out/msg") "/msg"
    |> copy tools "/bin/"
    |> env "GREETING" "hello"
    |> entrypoint [ "/bin/busybox" "cat" ]
    |> cmd [ "/msg" ];
}
STRATA
build -o "docker-archive:$T/image.tar:strata/test:1" || { cat "$T/err"; fail "build failed"; }

dk load -i "$T/image.tar" >"$T/load" 2>&1 || { cat "$T/load"; fail "docker load failed"; }
expect_contains "$T/load" "Loaded image: strata/test:1"
out=$(dk run --rm --pull=never --network=none strata/test:1) || { tail -n 20 "$D/dockerd.log" >&2; fail "docker run failed"; }
[ "$out" = "HELLO FROM STRATA" ] || fail "docker run printed '$out'"

# docker's view of the config is the archive's own.
config_file=$(tar -xOf "$T/image.tar" manifest.json | jq -r '.[0].Config')
tar -xOf "$T/image.tar" "$config_file" | jq -cS '.config | {Entrypoint, Cmd, Env}' >"$T/archive-config"
dk image inspect strata/test:1 | jq -cS '.[0].Config | {Entrypoint, Cmd, Env}' >"$T/docker-config"
[ "$(cat "$T/docker-config")" = '{"Cmd":["/msg"],"Entrypoint":["/bin/busybox","cat"],"Env":["GREETING=hello"]}' ] ||
  fail "docker image inspect shows $(cat "$T/docker-config")"
cmp -s "$T/archive-config" "$T/docker-config" ||
  fail "config differs: archive $(cat "$T/archive-config"), docker $(cat "$T/docker-config")"
# Same image id: docker's id is the digest of the config blob strata wrote.
[ "$(dk image inspect strata/test:1 | jq -r '.[0].Id')" = "sha256:$(tar -xOf "$T/image.tar" "$config_file" | sha256sum | cut -d' ' -f1)" ] ||
  fail "docker's image id is not the sha256 of the archive's config"
echo "PASS"
