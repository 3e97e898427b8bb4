#!/usr/bin/env bash
# `docker load` of a docker-archive from `strata build`: a private dockerd (Debian's docker.io,
# its own data, exec and socket dirs, no iptables, no bridge) loads the two-stage busybox image,
# runs it without network and reports the same config (Entrypoint, Cmd, Env) as the archive,
# and the image ID strata printed.
# Nothing is pulled: `docker run --pull=never`.
source "$(dirname "$0")/lib.sh"

source "$(dirname "$0")/fixtures/dockerd.sh"
start_dockerd

write_two_stage_program
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
# ... and the image ID `strata build` printed (docs/cli.md).
[ "$(dk image inspect strata/test:1 | jq -r '.[0].Id')" = "$(digest)" ] || fail "docker's image id is not the one strata printed, $(digest)"
echo "PASS"
