# --chown (class 7) as BuildKit resolves it: a user name takes its uid and primary gid from the
# stage's /etc/passwd, a group name its gid from /etc/group, a number alone is uid and gid,
# "root" and an empty user are 0; a group missing from /etc/group keeps the user's gid and a
# user missing from /etc/passwd is 0 (no error, as in BuildKit).
mkdir -p etc d
printf 'root:x:0:0:root:/root:/bin/sh\nbuilder:x:1000:1001:b:/home:/bin/sh\n' >etc/passwd
printf 'root:x:0:\nadm:x:4:\nstaff:x:50:\nbgroup:x:1001:\n' >etc/group
echo 1 >f; echo 2 >d/g
cat >Dockerfile <<'DF'
FROM scratch
COPY etc /etc
COPY --chown=1:adm f /o/a
COPY --chown=builder f /o/b
COPY --chown=builder:staff f /o/c
COPY --chown=7 f /o/d
COPY --chown=builder:4 d /o/e/
COPY --chown=:adm f /o/f
COPY --chown=root:staff f /o/g
COPY --chown=1:nosuchgroup f /o/h
COPY --chown=nosuchuser:adm f /o/i
COPY --chown=builder: f /o/j
DF
