#!/usr/bin/env bash
# `strata fmt` on the command line: --check lists the files it would change by the paths it
# was given and exits 1, 0 when all are formatted; directories are searched for *.strata; a
# file that does not parse gets a located error, exit 1, and is left untouched; a formatted
# file is not rewritten (same inode and time); writing replaces the file whole.
#   fmt_cli.sh STRATA_BINARY
set -u
strata=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$work" || exit 1
mkdir -p proj/sub proj/.hidden
printf 'let  a=1; in   a\n' > proj/messy.strata
printf 'let a = 1; in a\n' > proj/sub/clean.strata
printf '{ x = 1;   }\n' > proj/sub/messy2.strata
printf '{ x = 1;   }\n' > proj/.hidden/skipped.strata
printf 'not strata  at all\n' > proj/notes.txt

# --check: the files to change, relative to the working directory as given, sorted; exit 1.
"$strata" fmt --check proj > out 2> err; code=$?
[ "$code" = 1 ] || fail "--check with unformatted files exited $code"
printf 'proj/messy.strata\nproj/sub/messy2.strata\n' | diff - out || fail "--check listing"
[ -s err ] && fail "--check wrote to stderr: $(cat err)"
grep -q '  ' proj/messy.strata || fail "--check changed a file"
(cd proj && "$strata" fmt --check) > out; code=$?
[ "$code" = 1 ] || fail "--check in the current directory exited $code"
printf 'messy.strata\nsub/messy2.strata\n' | diff - out || fail "--check listing from the current directory"
(cd proj/sub && "$strata" fmt --check ../messy.strata clean.strata) > out
printf '../messy.strata\n' | diff - out || fail "--check listing of files given as ../"

# Formatting: files rewritten, the clean one left alone (same inode and time).
before=$(stat -c '%i %Y.%y' proj/sub/clean.strata)
sleep 1
"$strata" fmt proj > out 2> err || fail "fmt exited $?: $(cat err)"
[ -s out ] && fail "fmt printed: $(cat out)"
[ "$(cat proj/messy.strata)" = "let a = 1; in a" ] || fail "messy.strata: $(cat proj/messy.strata)"
[ "$(cat proj/sub/messy2.strata)" = "{ x = 1; }" ] || fail "messy2.strata: $(cat proj/sub/messy2.strata)"
[ "$(stat -c '%i %Y.%y' proj/sub/clean.strata)" = "$before" ] || fail "an already formatted file was rewritten"
grep -q '  ' proj/.hidden/skipped.strata || fail "a hidden directory was searched"
ls proj proj/sub | grep -q 'strata-fmt' && fail "a temporary file was left behind"
"$strata" fmt --check proj > out; code=$?
[ "$code" = 0 ] || fail "--check after fmt exited $code"
[ -s out ] && fail "--check after fmt listed: $(cat out)"

# A file that does not parse: located error, exit 1, untouched; the others are still done.
printf 'let a = ; in a\n' > proj/broken.strata
cp proj/broken.strata broken.orig
printf '[  1 ]\n' > proj/z.strata
"$strata" fmt proj > out 2> err; code=$?
[ "$code" = 1 ] || fail "fmt with a broken file exited $code"
grep -q '^proj/broken.strata:1:9: error: ' err || fail "no located error: $(cat err)"
cmp -s proj/broken.strata broken.orig || fail "the broken file was changed"
[ "$(cat proj/z.strata)" = "[ 1 ]" ] || fail "the file after the broken one was not formatted"
"$strata" fmt --check proj/broken.strata > out 2> err; code=$?
[ "$code" = 1 ] || fail "--check of a broken file exited $code"
[ -s out ] && fail "--check listed a broken file as to be changed"

# Deep nesting of calls, each a layout choice inside the last argument of the one around it:
# formatting lays each node out once (it used to take time exponential in the depth, so this
# file never finished) and the result is stable.
awk 'BEGIN { printf "let f = x: x; in "; for (i = 0; i < 300; i++) printf "f ("; printf "1";
             for (i = 0; i < 300; i++) printf ")"; print "" }' > deep.strata
"$strata" fmt deep.strata 2> err || fail "fmt of 300 nested calls exited $?: $(cat err)"
"$strata" fmt --check deep.strata > out || fail "fmt of 300 nested calls is not stable"
[ "$(grep -o '(' deep.strata | wc -l)" = 300 ] || fail "nested calls lost: $(head -c 300 deep.strata)"

# A missing path is an error; a file is formatted whatever its name; permissions are kept.
"$strata" fmt no-such.strata 2> err; code=$?
[ "$code" = 1 ] || fail "missing file exited $code"
grep -q 'no-such.strata' err || fail "missing file not named"
printf '[1   2]\n' > script; chmod 750 script
"$strata" fmt script || fail "fmt of a file not named .strata"
[ "$(cat script)" = "[ 1 2 ]" ] || fail "script: $(cat script)"
[ "$(stat -c %a script)" = 750 ] || fail "permissions not kept: $(stat -c %a script)"
"$strata" fmt --bogus 2> /dev/null; code=$?
[ "$code" = 2 ] || fail "an unknown option exited $code"
echo ok
