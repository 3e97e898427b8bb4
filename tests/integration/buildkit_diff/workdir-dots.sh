# WORKDIR with dots and doubled slashes is kept verbatim when absolute (class 2).
cat >Dockerfile <<'DF'
FROM scratch
WORKDIR /a/../b/./c//
DF
