#!/usr/bin/env bash
# ONBUILD: triggers are recorded in the image config (OnBuild); an image built with them and
# used as a base through --build-context oci-layout://DIR runs them right after its FROM (with
# the child's context) and does not pass them on; FROM an earlier stage runs that stage's.
source "$(dirname "$0")/lib.sh"

BB="busybox=oci-layout://$T/busybox-layout:latest"
mkdir -p "$T/w/parent" "$T/w/child"
cat >"$T/w/parent/Dockerfile" <<'EOF'
FROM busybox
ONBUILD RUN echo triggered > /onbuild-ran
ONBUILD COPY msg.txt /from-child-context
RUN echo parent > /parent
EOF
build -f parent/Dockerfile --build-context "$BB" -o "oci:$T/parent:latest" || { cat "$T/err"; fail "parent build failed"; }
! grep -q "exec .* RUN echo triggered" "$T/err" || fail "the parent ran its own trigger"
config() {  # the config document of the only image in layout $1
  local manifest
  manifest=$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)
  jq -c '.config' "$1/blobs/sha256/$(jq -r .config.digest "$1/blobs/sha256/$manifest" | cut -d: -f2)"
}
[ "$(config "$T/parent" | jq -c .OnBuild)" = '["RUN echo triggered > /onbuild-ran","COPY msg.txt /from-child-context"]' ] \
  || { config "$T/parent"; fail "OnBuild is not recorded in the parent's config"; }

echo child-msg >"$T/w/child/msg.txt"
cat >"$T/w/child/Dockerfile" <<'EOF'
FROM parent AS child
RUN cat /onbuild-ran /from-child-context /parent > /result

FROM busybox AS stage-parent
ONBUILD RUN echo stage-trigger > /st

FROM stage-parent AS stage-child
RUN cat /st > /st-copy
EOF
build -f child/Dockerfile --target child --build-context "$BB" --build-context "parent=oci-layout://$T/parent:latest" \
  -o "oci:$T/child:latest" || { cat "$T/err"; fail "child build failed"; }
grep -q "done   exec .* RUN echo triggered > /onbuild-ran" "$T/err" || { cat "$T/err"; fail "the trigger did not run"; }
umoci unpack --image "$T/child:latest" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/result")" = $'triggered\nchild-msg\nparent' ] || { cat "$T/bundle/rootfs/result"; fail "the triggers did not run"; }
[ "$(config "$T/child" | jq -c .OnBuild)" = null ] || { config "$T/child"; fail "the child passes its base's triggers on"; }

# FROM an earlier stage of the same Dockerfile runs that stage's triggers.
build -f child/Dockerfile --target stage-child --build-context "$BB" -o "oci:$T/stage:latest" \
  || { cat "$T/err"; fail "stage-child build failed"; }
umoci unpack --image "$T/stage:latest" "$T/bundle2" >/dev/null
[ "$(cat "$T/bundle2/rootfs/st-copy")" = stage-trigger ] || fail "the stage's trigger did not run"

# A malformed trigger is reported where it is written, with file:line:col.
printf 'FROM busybox\nONBUILD COPY onlyone\n' >"$T/w/parent/Dockerfile"
! build -f parent/Dockerfile --build-context "$BB" || fail "a malformed trigger was accepted"
expect_contains "$T/err" "parent/Dockerfile:2:14: error: COPY requires at least two arguments"
