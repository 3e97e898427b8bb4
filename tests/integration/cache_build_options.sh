#!/usr/bin/env bash
# Build options that change output bytes never let one build reuse another's bytes (issue 11,
# item 1): on one store, --source-date-epoch 0 then 100, gzip then zstd, and --no-cache between
# them each give exactly the digest a fresh store gives. Every option `strata build --help`
# lists must be classified below, so a new option cannot slip past this check.
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w/src"
mv "$T/busybox-layout" "$T/w/busybox-layout"
echo "source" >"$T/w/src/file.txt"
cat >"$T/w/build.strata" <<'STRATA'
let base = load ./busybox-layout; in {
  default = base |> copy ./src "/app" |> run "echo built > /app/out";
  picked = scratch |> copy ((base |> run "echo x > /x") / "/x") "/x";
}
STRATA

# Every option of `strata build`, by what it does to the bytes.
#   key: changes layer bytes, so it is part of the record key of the nodes it changes (tested).
#   none: changes no output byte (tested for -j and --store below; --progress only prints).
#   graph: chooses the program or its node keys themselves (-f, --arg, the Dockerfile flags).
#   export: where the image goes, after the build; --sbom/--sbom-format write a document beside
#     it (the image digest is the same with and without, tests/integration/sbom.sh).
#   secret: never keyed (docs/sandbox.md).
#   cache: --no-cache rebuilds and must not poison later builds (tested).
#   source: where unlocked inputs are fetched from. Any mirror serves the same signed archive;
#     an unlocked `debian` base is cached like an unlocked image tag, and `strata lock` pins its
#     exact packages (docs/debian.md).
#   check: refuses to build, changes nothing it builds (--locked: unpinned inputs are errors).
#   remote: the registry cache fetches and pushes records under their record keys, which hold
#     the key options above, so another epoch or compression never takes an entry
#     (tests/integration/remote_cache.sh).
#   engine: --engine docker builds on the Docker Engine instead; its image enters the store as a
#     loaded image, keyed by its own bytes (tests/integration/export_dockerfile.sh).
declare -A class=(
  [--source-date-epoch]=key [--compression]=key
  [--jobs]=none [--store]=none [--progress]=none
  [--file]=graph [--arg]=graph [--frontend]=graph [--context]=graph [--build-arg]=graph
  [--build-context]=graph [--target]=graph
  [--output]=export [--sbom]=export [--sbom-format]=export [--secret]=secret [--no-cache]=cache [--help]=none [--debian-mirror]=source
  [--locked]=check [--cache-from]=remote [--cache-to]=remote [--engine]=engine
)
"$STRATA" build --help >"$T/help" 2>&1 || true
grep -oE -- '--[a-z][a-z-]*' "$T/help" | sort -u >"$T/options"
[ -s "$T/options" ] || { cat "$T/help"; fail "strata build --help lists no options"; }
while read -r option; do
  [ -n "${class[$option]:-}" ] || fail "strata build $option is not classified in $0"
done <"$T/options"

# fresh OPTIONS...: the manifest a fresh store gives the image exported (its layers compressed).
fresh() {
  local store
  store=$(mktemp -d "$T/fresh.XXXXXX")
  STRATA_STORE=$store build "$@" -o "oci:$store.out" || { cat "$T/err"; fail "fresh build $* failed"; }
  manifest
}
# shared OPTIONS...: the manifest the shared store gives.
shared() {
  build "$@" -o "oci:$(mktemp -d "$T/out.XXXXXX")" || { cat "$T/err"; fail "build $* failed"; }
  manifest
}

for target in default picked; do
  f0=$(fresh $target --source-date-epoch 0)
  f100=$(fresh $target --source-date-epoch 100)
  fz=$(fresh $target --compression zstd)
  [ "$f0" != "$f100" ] || fail "$target: --source-date-epoch changes no byte? (test is wrong)"
  [ "$f0" != "$fz" ] || fail "$target: --compression changes no byte? (test is wrong)"
  [ "$(shared $target --source-date-epoch 0)" = "$f0" ] || fail "$target: epoch 0 differs from a fresh store"
  [ "$(shared $target --source-date-epoch 100)" = "$f100" ] || fail "$target: epoch 100 after 0 differs from a fresh store"
  [ "$(shared $target --source-date-epoch 0)" = "$f0" ] || fail "$target: epoch 0 after 100 differs from a fresh store"
  [ "$(shared $target --compression zstd)" = "$fz" ] || fail "$target: zstd after gzip differs from a fresh store"
  [ "$(shared $target --compression gzip)" = "$f0" ] || fail "$target: gzip after zstd differs from a fresh store"
  # --no-cache rebuilds one variant; the other is still the fresh one, cached.
  [ "$(shared $target --no-cache --source-date-epoch 100)" = "$f100" ] || fail "$target: --no-cache build differs"
  [ "$(shared $target)" = "$f0" ] || fail "$target: the build after --no-cache differs from a fresh store"
  expect_not_contains "$T/err" "start  exec"
  [ "$(shared $target --no-cache --compression zstd)" = "$fz" ] || fail "$target: --no-cache zstd build differs"
  [ "$(shared $target)" = "$f0" ] || fail "$target: gzip after --no-cache zstd differs from a fresh store"
  # Options that change no byte: the same digest, from the cache.
  [ "$(shared $target -j 1)" = "$f0" ] || fail "$target: -j 1 changes the digest"
done
# The layers are stamped with the epoch asked for, not a cached one.
build --source-date-epoch 100 -o "oci:$T/layout" || { cat "$T/err"; fail "export failed"; }
mkdir "$T/unpacked"
for layer in $(jq -r '.layers[].digest' "$T/layout/blobs/sha256/$(jq -r '.manifests[0].digest' "$T/layout/index.json" | cut -d: -f2)"); do
  TZ=UTC tar -tvf "$T/layout/blobs/sha256/${layer#sha256:}" >>"$T/listing"
done
grep -q "1970-01-01 00:01 app/out" "$T/listing" || { cat "$T/listing"; fail "app/out is not stamped with epoch 100"; }
echo "PASS"
