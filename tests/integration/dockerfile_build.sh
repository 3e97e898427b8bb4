#!/usr/bin/env bash
# `strata build -f Dockerfile` end to end on the busybox base (as `--build-context busybox=
# oci-layout://...`): multi-stage with --target, an unused failing stage that never runs,
# COPY --from by name and index, cache and secret mounts, heredoc RUN, .dockerignore, ADD of a
# local tar, USER by name; the image runs (umoci + runc, strata run); `strata import` of the
# Dockerfile builds to the same manifest digest. Prints the cold and warm build times.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w/ctx/data/sub"
echo hello >"$T/w/ctx/msg.txt"
echo "first version" >"$T/w/ctx/ignored.txt"
printf 'ignored.txt\nbuild.strata\n' >"$T/w/ctx/.dockerignore"
echo inner >"$T/w/ctx/data/a.txt"
echo deep >"$T/w/ctx/data/sub/b.txt"
tar -czf "$T/w/ctx/data.tar.gz" -C "$T/w/ctx/data" .
rm -rf "$T/w/ctx/data"
echo "s3cr3t-value-$RANDOM-xyz" >"$T/w/secret.txt"
cat >"$T/w/ctx/Dockerfile" <<'EOF'
# A multi-stage test Dockerfile.
FROM busybox AS builder
ARG GREETING=hi
RUN mkdir -p /out && echo "$GREETING" > /out/greeting
RUN <<EOT
echo heredoc-line-1 > /out/heredoc
echo heredoc-line-2 >> /out/heredoc
EOT
RUN --mount=type=cache,target=/cache sh -c 'echo run >> /cache/count; cp /cache/count /out/count'
RUN --mount=type=secret,id=tok sh -c 'wc -c < /run/secrets/tok > /out/secret-len; cat /run/secrets/tok > /dev/null'

FROM busybox AS unused
RUN false

FROM busybox AS second
RUN echo second > /second

FROM busybox AS final
COPY --from=builder /out/ /app/
COPY --from=2 /second /app/second
COPY msg.txt /app/
ADD data.tar.gz /app/data/
USER builder
RUN id -u > /tmp/uid
CMD ["cat", "/app/greeting", "/app/heredoc", "/app/msg.txt", "/app/second", "/app/data/sub/b.txt", "/tmp/uid"]
EOF
BB="busybox=oci-layout://$T/busybox-layout:latest"
common=(-f ctx/Dockerfile --build-context "$BB" --secret "id=tok,src=$T/w/secret.txt")
expected=$'hi\nheredoc-line-1\nheredoc-line-2\nhello\nsecond\ndeep\n1000'

# Cold build (the unused stage's `RUN false` must not run), exported as an OCI layout.
start=$(date +%s.%N)
build "${common[@]}" -o "oci:$T/layout:v1" || { cat "$T/err"; fail "cold build failed"; }
cold=$(echo "$(date +%s.%N) - $start" | bc)
first=$(digest)
[[ $first == sha256:* ]] || fail "last line of stdout is not a digest: $first"
expect_not_contains "$T/err" "RUN false"
expect_contains "$T/err" "heredoc-line-1"

# The image runs: umoci + runc, and strata run.
umoci unpack --image "$T/layout:v1" "$T/bundle" >/dev/null
[ "$(run_bundle "$T/bundle")" = "$expected" ] || { run_bundle "$T/bundle"; fail "the image prints something else"; }
[ ! -e "$T/bundle/rootfs/app/ignored.txt" ] || fail "an ignored file is in the image"
[ "$(cat "$T/bundle/rootfs/app/data/a.txt")" = inner ] || fail "ADD did not extract the tar"
[ ! -e "$T/bundle/rootfs/app/data/data.tar.gz" ] || fail "ADD copied the archive instead of extracting it"
[ "$(cat "$T/bundle/rootfs/app/secret-len")" = "$(wc -c <"$T/w/secret.txt")" ] || fail "the secret was not mounted"
(cd "$T/w" && "$STRATA" run "${common[@]}" 2>/dev/null) >"$T/run-out" || fail "strata run failed"
[ "$(cat "$T/run-out")" = "$expected" ] || { cat "$T/run-out"; fail "strata run prints something else"; }

# The secret is in no layer and no store file.
secret=$(cat "$T/w/secret.txt")
! grep -rqF "$secret" "$T/store" || fail "the secret's content is in the store"
for blob in "$T/layout/blobs/sha256/"*; do
  ! (zcat -f "$blob" 2>/dev/null | grep -qF "$secret") || fail "the secret's content is in blob $blob"
done

# Warm: all cached, same digest.
start=$(date +%s.%N)
build "${common[@]}" || { cat "$T/err"; fail "warm build failed"; }
warm=$(echo "$(date +%s.%N) - $start" | bc)
[ "$(digest)" = "$first" ] || fail "warm rebuild changed the digest"
expect_not_contains "$T/err" "start  exec"

# .dockerignore: editing an ignored file changes nothing.
echo "second version" >"$T/w/ctx/ignored.txt"
build "${common[@]}" || { cat "$T/err"; fail "build after editing an ignored file failed"; }
[ "$(digest)" = "$first" ] || fail "editing an ignored file changed the digest"

# Translation round trip: the imported program builds to the same manifest digest.
(cd "$T/w" && "$STRATA" import --build-context "$BB" -o ctx/build.strata ctx/Dockerfile) || fail "import failed"
expect_contains "$T/w/ctx/build.strata" "load"
build -f ctx/build.strata --secret "id=tok,src=$T/w/secret.txt" || { cat "$T/err"; fail "building the translation failed"; }
[ "$(digest)" = "$first" ] || fail "the translation gives $(digest), the Dockerfile $first"

# The cache mount keeps its content across builds (--no-cache reruns the step).
build "${common[@]}" --no-cache -o "oci:$T/layout2:v1" || { cat "$T/err"; fail "--no-cache build failed"; }
umoci unpack --image "$T/layout2:v1" "$T/bundle2" >/dev/null
[ "$(cat "$T/bundle2/rootfs/app/count")" = $'run\nrun' ] || { cat "$T/bundle2/rootfs/app/count"; fail "the cache mount lost its content"; }

# --target (and TARGET) pick a stage; --target of the failing stage fails.
build "${common[@]}" --target second -o "oci:$T/second:v1" || { cat "$T/err"; fail "--target second failed"; }
umoci unpack --image "$T/second:v1" "$T/bundle3" >/dev/null
[ "$(cat "$T/bundle3/rootfs/second")" = second ] || fail "--target second built something else"
[ ! -e "$T/bundle3/rootfs/app" ] || fail "--target second holds the final stage"
second_digest=$(digest)
build "${common[@]}" second || fail "TARGET second failed"
[ "$(digest)" = "$second_digest" ] || fail "TARGET and --target differ"
! build "${common[@]}" --target unused || fail "building the failing stage succeeded"
! build "${common[@]}" --target nosuch || fail "an unknown target succeeded"

# ADD refuses an archive entry that escapes the destination.
mkdir -p "$T/w/evil"
python3 - "$T/w/evil/evil.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as tar:
    data = b"pwned\n"
    info = tarfile.TarInfo("../../escaped")
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))
PY
printf 'FROM busybox\nADD evil.tar /x/\n' >"$T/w/evil/Dockerfile"
! build -f evil/Dockerfile --build-context "$BB" || fail "an escaping archive entry was accepted"
expect_contains "$T/err" "escapes the destination"

echo "dockerfile_build: cold ${cold}s, warm ${warm}s"
