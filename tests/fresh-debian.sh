#!/usr/bin/env bash
# Runs the README's quick start the way a new user would: in a pristine Debian 12 minbase root
# (debootstrap, plus ca-certificates), with only the committed tree copied in and nothing beside
# it (no ../shared), as root with a plain environment, inside unshare + chroot. Catches a package
# missing from setup.sh before it lands. Usage: tests/fresh-debian.sh [--stamp]
#   --stamp   on success, write tests/fresh-debian.stamp (the fingerprint of the files that
#             decide what a fresh machine needs; .ci/run reruns this script when it differs)
# Env: STRATA_FRESH_CACHE (default /var/cache/strata-fresh-debian) keeps the root tarball and
# the downloaded .debs between runs (the tests' own download caches in /var/tmp are shared with
# the host's, as between two test runs on one machine); STRATA_FRESH_MIRROR overrides the
# Debian mirror; STRATA_FRESH_KEEP=1 keeps the root afterwards (under /var/tmp/strata-fresh.*) to look into.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "fresh-debian: run as root (debootstrap, chroot, runc)" >&2; exit 2; }
write_stamp=false
[ "${1:-}" = --stamp ] && write_stamp=true

CACHE=${STRATA_FRESH_CACHE:-/var/cache/strata-fresh-debian}
# The host's mirror, as apt knows it (deb822 or one-line sources), else Debian's CDN.
host_mirror() {
  { cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
    awk '$1 == "URIs:" || $1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) print $i }' | awk '!found && /\/debian\/?$/ { print; found = 1 } END { if (!found) print "http://deb.debian.org/debian" }'
}
MIRROR=${STRATA_FRESH_MIRROR:-$(host_mirror)}
mkdir -p "$CACHE/archives/partial"

for tool in debootstrap unshare chroot zstd; do
  command -v "$tool" >/dev/null || { echo "fresh-debian: needs $tool (apt-get install debootstrap util-linux coreutils zstd)" >&2; exit 2; }
done

TARBALL=$CACHE/bookworm-minbase.tar.zst
if [ ! -s "$TARBALL" ]; then
  echo "== debootstrap --variant=minbase bookworm ($MIRROR)"
  boot=$(mktemp -d /var/tmp/strata-debootstrap.XXXXXX)
  debootstrap --variant=minbase --include=ca-certificates bookworm "$boot/root" "$MIRROR" >"$boot/log" 2>&1 ||
    { tail -n 30 "$boot/log" >&2; rm -rf "$boot"; exit 1; }
  rm -rf "$boot/root/var/cache/apt/archives/"*.deb
  tar -C "$boot/root" --numeric-owner -cf - . | zstd -q -T0 -o "$TARBALL.tmp"
  mv "$TARBALL.tmp" "$TARBALL"
  rm -rf "$boot"
fi

W=$(mktemp -d /var/tmp/strata-fresh.XXXXXX)
R=$W/root
cleanup() {
  if [ -n "${STRATA_FRESH_KEEP:-}" ]; then echo "fresh-debian: kept $W (STRATA_FRESH_KEEP)"; return; fi
  # Every mount was made in a private mount namespace that is gone by now; refuse to delete
  # anything still mounted (belt and braces).
  if grep -qF " $W" /proc/self/mountinfo; then
    echo "fresh-debian: mounts left under $W; not removing it" >&2
  else
    rm -rf "$W"
  fi
}
trap cleanup EXIT
mkdir -p "$R"
zstd -q -dc "$TARBALL" | tar -C "$R" --numeric-owner -xf -
cp /etc/resolv.conf "$R/etc/resolv.conf"
# The committed tree only: what a clone of main holds. The stamp is of this very commit, even
# if HEAD moves while the check runs.
COMMIT=$(git -C "$REPO" rev-parse HEAD)
FINGERPRINT=$(bash "$REPO/tests/fresh-debian-fingerprint.sh" "$COMMIT")
mkdir -p "$R/root/strata"
# tar.umask 0022: the modes a `git clone` gives under Debian's default umask (git archive's
# own default, 0002, adds group write).
git -C "$REPO" -c tar.umask=0022 archive "$COMMIT" | tar -C "$R/root/strata" -xf -
# The network's own trust: a machine on this network is given the same local CAs as the host
# (e.g. a TLS-inspecting proxy's), or nothing outside the Debian mirror verifies.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$R/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/"
fi

# The README's quick start (the first code block after its heading) and the "then try" block.
awk '/^## Quick start/{q=1} q&&/^```/{n++; next} q&&n==1{print} n>=2{exit}' "$REPO/README.md" >"$R/root/quick-start.sh"
awk '/^## Quick start/{q=1} q&&/^```/{n++; next} q&&n==3{print} n>=4{exit}' "$REPO/README.md" >"$R/root/then-try.sh"
[ -s "$R/root/then-try.sh" ] || { echo "fresh-debian: no 'then try' block after the README's quick start" >&2; exit 1; }
[ "$(grep -cv '^\s*$' "$R/root/quick-start.sh")" = 2 ] ||
  { echo "fresh-debian: the README's quick start is not two commands:" >&2; cat "$R/root/quick-start.sh" >&2; exit 1; }
cat >"$R/root/run-quick-start.sh" <<'EOF'
set -euo pipefail
update-ca-certificates >/dev/null
cd /root/strata
echo "== quick start, as written in README.md"
ran=0
while IFS= read -r line <&3; do
  [[ $line =~ ^[[:space:]]*$ ]] && continue
  echo "\$ $line"
  bash -c "$line" </dev/null || { echo "fresh-debian: FAILED: $line" >&2; exit 1; }
  ran=$((ran + 1))
done 3</root/quick-start.sh
[ "$ran" = 2 ] || { echo "fresh-debian: ran $ran quick-start commands, not 2" >&2; exit 1; }
echo "== then try"
bash -euxo pipefail /root/then-try.sh </dev/null >/root/then-try.log 2>&1 || { cat /root/then-try.log >&2; echo "fresh-debian: FAILED: the 'then try' examples" >&2; exit 1; }
echo "fresh-debian: quick start and 'then try' examples passed"
EOF

# Inside a new mount and pid namespace: make the root a mount point of its own (so runc's
# pivot_root works under chroot), give it /proc, /dev, /sys and a tmpfs /run, then chroot with
# a plain environment. When the namespace's init exits, every process and mount in it goes too.
start=$(date +%s)
unshare --mount --pid --fork --propagation private bash -euo pipefail -c '
  R=$1 CACHE=$2
  mount --bind "$R" "$R"
  mount -t proc proc "$R/proc"
  mount --rbind /dev "$R/dev"
  mount --rbind /sys "$R/sys"
  mount -t tmpfs -o mode=0755 tmpfs "$R/run"
  mount --bind "$CACHE/archives" "$R/var/cache/apt/archives"
  # The tests download caches (Debian .debs and indexes, the SBOM scanner): everything in them
  # is verified again on use, so sharing them with the host saves only the downloads.
  for shared in /var/tmp/strata-test-debian-cache /var/tmp/strata-test-trivy; do
    mkdir -p "$shared" "$R$shared"
    mount --bind "$shared" "$R$shared"
  done
  exec chroot "$R" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    bash /root/run-quick-start.sh
' fresh "$R" "$CACHE"
echo "fresh-debian: ${COMMIT:0:12} passed in $(( $(date +%s) - start )) s"

if $write_stamp; then
  echo "$FINGERPRINT" >"$REPO/tests/fresh-debian.stamp"
  echo "fresh-debian: wrote tests/fresh-debian.stamp for ${COMMIT:0:12} ($FINGERPRINT): commit it"
fi
