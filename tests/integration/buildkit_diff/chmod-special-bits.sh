# --chmod with setuid/setgid/sticky digits (class 7): BuildKit (Docker 20.10) applies only the
# permission bits (Go's os.FileMode has its own special bits), to files and to the directories
# copied, while the destination of a directory's contents is 0755.
mkdir -p d/s; echo 1 >f; echo 2 >d/s/g
cat >Dockerfile <<'DF'
FROM scratch
COPY --chmod=4755 f /m/suid
COPY --chmod=2755 f /m/sgid
COPY --chmod=1777 f /m/sticky
COPY --chmod=7777 f /m/all
COPY --chmod=6711 d /m/d/
COPY --chmod=1777 d /m/t
DF
