# Source names with spaces, non-ASCII letters and glob classes: COPY's JSON form with a space
# in a source and the destination, a `[ab]` and a `?` pattern, a non-ASCII file and folder,
# an escaped glob character, a folder copied with a trailing `/.`.
mkdir -p "dir one" "ünï" sub
echo 1 >"dir one/a b.txt"; echo 22 >"ünï/ça.txt"; echo 3 >fa; echo 4 >fb; echo 5 >fc
echo 6 >'st*r'; echo 7 >sub/x
cat >Dockerfile <<'DF'
FROM scratch
COPY ["dir one/a b.txt", "/dest dir/"]
COPY f[ab] /class/
COPY f? /any/
COPY ünï /ü/
COPY st\*r /escaped/
COPY sub/. /dot/
DF
