#!/usr/bin/env bash
# The sizes table of examples/seeds: uncompressed (the unpacked root filesystem's bytes, du -sb)
# and compressed (the manifest's layer sizes plus config) of `single`, `default` and `minimal`
# for each language, beside the multi-stage articles' figures; then each `default`'s build time
# (cold when the store is empty) and its rebuild after one changed source file.
#   tests/bench/sizes.sh [STRATA] [LANG...]      (default: go python java node; MB = 10^6)
# $STRATA_STORE picks the store (default: a new, empty one); $STRATA_DEBIAN_CACHE the download
# cache (default: the tests' shared one). Prints figures; asserts nothing.
set -euo pipefail
STRATA=$(realpath "${1:-build/runtime/cli/strata}")
shift || true
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(go python java node)
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/strata-sizes.XXXXXX)
trap 'rm -rf "$T"' EXIT
export STRATA_STORE=${STRATA_STORE:-$T/store}
export STRATA_DEBIAN_CACHE=${STRATA_DEBIAN_CACHE:-/var/tmp/strata-test-debian-cache}
mkdir -p "$STRATA_DEBIAN_CACHE"
extra=()
[[ -f /etc/ssl/certs/ca-certificates.crt ]] && extra=(--secret id=npm-ca,src=/etc/ssl/certs/ca-certificates.crt)
# The articles' figures (MB): before (one stage) and after (multi-stage).
declare -A before=([go]="~850" [node]="~1100" [python]="1010" [java]="681")
declare -A after=([go]="~12" [node]="~80" [python]="116" [java]="223")
declare -A source=([go]=main.go [node]=server.js [python]=app.py [java]=src/main/java/com/mycompany/app/App.java)
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
now() { date +%s.%N; }
times=()
echo "| language | target | uncompressed MB | compressed MB | article (before → multi-stage) |"
echo "|---|---|---|---|---|"
for lang in "${langs[@]}"; do
  w=$T/src/$lang
  mkdir -p "$T/src"
  cp -r "$HERE/../../examples/seeds/$lang" "$w"
  # Node's `npm ci` step is a network step whose output hash strata.lock records.
  if [[ $lang == node ]]; then
    (cd "$w" && "$STRATA" lock "${extra[@]}") >/dev/null 2>"$T/err" || { cat "$T/err" >&2; exit 1; }
  fi
  for target in default single minimal; do
    start=$(now)
    (cd "$w" && "$STRATA" build --progress plain "${extra[@]}" "$target" -o "oci:$T/layout:$lang-$target") >/dev/null 2>"$T/err" \
      || { cat "$T/err" >&2; exit 1; }
    [[ $target == default ]] && times+=("$lang default: $(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') s")
    umoci unpack --image "$T/layout:$lang-$target" "$T/root-$lang-$target" >/dev/null
    raw=$(du -sb "$T/root-$lang-$target/rootfs" | cut -f1)
    rm -rf "$T/root-$lang-$target"
    packed=$(skopeo inspect --raw "oci:$T/layout:$lang-$target" | jq '[.layers[].size] + [.config.size] | add')
    echo "| $lang | $target | $(mb "$raw") | $(mb "$packed") | ${before[$lang]} → ${after[$lang]} |"
  done
  echo "// edited" >>"$w/${source[$lang]}"
  [[ $lang == python ]] && sed -i '$s|^// |# |' "$w/${source[$lang]}"
  start=$(now)
  (cd "$w" && "$STRATA" build --progress plain "${extra[@]}" default) >/dev/null 2>"$T/err" || { cat "$T/err" >&2; exit 1; }
  times+=("$lang default after one changed source file: $(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') s")
done
echo
printf '%s\n' "${times[@]}"
