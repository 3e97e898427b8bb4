#!/usr/bin/env bash
# A cold two-stage Dockerfile build next to the same build written in Strata (its `strata
# import` translation), issue 12's figure: each built RUNS times (default 5) into a fresh store,
# interleaved; prints the median and best wall and CPU time of each, and whether both gave the
# same image digest. No assertion on time. Needs root, runc and busybox-static, as the
# integration tests do.
#   [RUNS=5] tests/bench/dockerfile_cold_build.sh [STRATA]      default: build/runtime/cli/strata
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
strata=$(realpath "${1:-build/runtime/cli/strata}")
runs=${RUNS:-5}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
bash "$here/../integration/fixtures/make-busybox-image.sh" "$T/w/busybox-layout" >/dev/null
mkdir -p "$T/w/src"
echo "hello from strata" >"$T/w/src/msg.txt"
cat >"$T/w/Dockerfile" <<'DF'
FROM busybox AS builder
WORKDIR /work
COPY src .
RUN mkdir -p /out && tr a-z A-Z < msg.txt > /out/msg
FROM scratch
COPY --from=builder /out/msg /msg
COPY --from=builder /bin/busybox /bin/
ENV GREETING=hello
ENTRYPOINT ["/bin/busybox", "cat"]
CMD ["/msg"]
DF
ctx=(--context "$T/w" --build-context busybox=oci-layout://busybox-layout)
(cd "$T/w" && "$strata" import "${ctx[@]}" -o build.strata Dockerfile)

# one KIND: a cold build (new store) of the Dockerfile or of its translation; appends
# "wall cpu digest" to $T/KIND.
one() {
  local kind=$1 args=()
  rm -rf "$T/store"
  [ "$kind" = dockerfile ] && args=(-f Dockerfile "${ctx[@]}")
  (cd "$T/w" && /usr/bin/time -f "%e %U %S" -o "$T/time" env STRATA_STORE="$T/store" "$strata" build \
    --progress plain "${args[@]}" >"$T/out" 2>"$T/err") || { cat "$T/err" >&2; exit 1; }
  read -r wall user sys <"$T/time"
  echo "$wall $(echo "$user + $sys" | bc) $(tail -n 1 "$T/out")" >>"$T/$kind"
}
for _ in $(seq "$runs"); do
  one dockerfile
  one strata
done
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for kind in dockerfile strata; do
  printf 'cold two-stage build, %-10s median %.2f s wall, %.2f s CPU; best %.2f s wall, %.2f s CPU (%d runs)\n' "$kind" \
    "$(cut -d' ' -f1 "$T/$kind" | median)" "$(cut -d' ' -f2 "$T/$kind" | median)" \
    "$(cut -d' ' -f1 "$T/$kind" | sort -g | head -n 1)" "$(cut -d' ' -f2 "$T/$kind" | sort -g | head -n 1)" "$runs"
done
if [ "$(cut -d' ' -f3 "$T/dockerfile" | sort -u)" = "$(cut -d' ' -f3 "$T/strata" | sort -u)" ]; then
  echo "same image digest: $(cut -d' ' -f3 "$T/strata" | sort -u | tr '\n' ' ')"
else
  echo "DIFFERENT digests: dockerfile $(cut -d' ' -f3 "$T/dockerfile" | sort -u | tr '\n' ' ') strata $(cut -d' ' -f3 "$T/strata" | sort -u | tr '\n' ' ')"
fi
