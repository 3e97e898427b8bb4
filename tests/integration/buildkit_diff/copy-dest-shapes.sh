# COPY destination semantics: a destination with and without a trailing slash, onto an existing
# file, into an existing folder named without a slash, through a symlink (copied in as a folder's entry) to a folder, several
# sources into a folder, `COPY . .` under WORKDIR, --chmod with four octal digits and three,
# --chown with a uid only and uid:gid (numbers, so no /etc/passwd needed).
mkdir -p dir/sub
echo f >f; echo gg >g; echo x >dir/x; echo yyy >dir/sub/y
mkdir links; ln -s /tdir links/lnk
cat >Dockerfile <<'DF'
FROM scratch
COPY f /file-noslash
COPY f /dir-slash/
COPY dir /dcopy
COPY dir /dcopy-slash/
COPY f g /multi/
COPY g /existing-file
COPY f /existing-file
COPY g /tdir/keep
COPY f /tdir
COPY links /
COPY g /lnk/
COPY --chmod=0640 f /m/a
COPY --chmod=0700 dir /m/d
COPY --chmod=644 f /m/b
COPY --chown=1234 f /o/a
COPY --chown=1234:5678 dir /o/d
COPY --chown=42:43 f g /o/multi/
WORKDIR /app
COPY . .
COPY f ./rel
COPY g sub/
DF
