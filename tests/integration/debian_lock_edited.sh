#!/usr/bin/env bash
# A strata.lock edited by hand (or damaged) must not give an image other than the lock names:
# each locked package's name, version and architecture must be what its .deb says it is, and
# every package the program asks for must be in the locked closure. Otherwise the build fails,
# naming the package, and stores nothing; the SBOM, the image history and the dpkg status would
# disagree (the SBOM and history say what the lock says, dpkg what the .deb holds).
source "$(dirname "$0")/lib.sh"
write_debian_bash_program
(cd "$T/w" && "$STRATA" lock) >"$T/lock-out" 2>"$T/lock-err" || { cat "$T/lock-err"; fail "strata lock failed"; }
lock=$T/w/strata.lock
cp "$lock" "$T/lock.orig"
entry='.debian["bookworm/amd64 bash"].packages'
bash_index=$(jq "$entry | map(.name) | index(\"bash\")" "$lock")
real_version=$(jq -r "$entry[$bash_index].version" "$lock")

build -o "oci:$T/layout:x" || { cat "$T/err"; fail "the locked build failed"; }
good=$(digest)
records=$(find "$STRATA_STORE/nodes" -type f | wc -l)

# edited JQ-FILTER MESSAGE...: the lock edited by the filter fails to build, with each message,
# and adds no node record.
edited() {
  local filter=$1
  shift
  jq "$filter" "$T/lock.orig" >"$lock"
  set +e
  build -o "oci:$T/bad:x"
  local rc=$?
  set -e
  [ $rc = 1 ] || { cat "$T/err"; fail "lock edited with '$filter': exit $rc, expected 1"; }
  for message in "$@"; do expect_contains "$T/err" "$message"; done
  [ "$(find "$STRATA_STORE/nodes" -type f | wc -l)" = "$records" ] \
    || fail "lock edited with '$filter': the failed build stored a node record"
  [ ! -e "$T/bad/index.json" ] || fail "lock edited with '$filter': an image was written"
}

# A version that is not the .deb's: the SBOM would have said 9.9-evil, dpkg the real one.
edited "$entry[$bash_index].version = \"9.9-evil\"" \
  'locked as bash 9.9-evil (amd64)' "is bash $real_version (amd64)" "strata lock --update"
# Another package's file under bash's name (libc6's .deb passed as bash).
libc_index=$(jq "$entry | map(.name) | index(\"libc6\")" "$T/lock.orig")
edited "$entry[$bash_index] = ($entry[$libc_index] | .name = \"bash\")" 'locked as bash' 'is libc6'
# Another architecture than the base's.
edited "$entry[$bash_index].arch = \"arm64\"" 'the locked package bash is for arm64, not the base'"'"'s amd64' \
  "strata lock --update"
# A size that is not the file's (the SBOM lists it).
edited "$entry[$bash_index].size += 1" 'has '"$(jq "$entry[$bash_index].size" "$T/lock.orig")"' bytes, not' "strata lock --update"
# A package locked twice (its files and dpkg stanza would be in the image twice).
edited "$entry += [$entry[$bash_index]]" 'the package bash is locked twice' "strata lock --update"
# A requested package missing from the locked closure: the image would lack it.
edited "$entry |= map(select(.name != \"bash\"))" \
  'the lock entry "bookworm/amd64 bash" has no package bash' "strata lock --update"
# A sha256 that is not the file's (already refused by the download check).
edited "$entry[$bash_index].sha256 = \"$(printf '0%.0s' $(seq 64))\"" 'bash'

# The lock as written builds again, to the same image: nothing the failures left is trusted.
cp "$T/lock.orig" "$lock"
build -o "oci:$T/layout2:x" || { cat "$T/err"; fail "the restored lock does not build"; }
[ "$(digest)" = "$good" ] || fail "the restored lock gives $(digest), first build $good"
(cd "$T/w" && "$STRATA" sbom --store "$STRATA_STORE") >"$T/sbom" 2>"$T/sbom-err" || { cat "$T/sbom-err"; fail "strata sbom failed"; }
[ "$(jq -r '.packages[] | select(.name == "bash") | .versionInfo' "$T/sbom")" = "$real_version" ] \
  || fail "the SBOM's bash is not $real_version"
echo PASS
