# Context file modes (class 1): BuildKit keeps each file's and directory's mode as it is on disk
# (0664 stays 0664, 0775 stays 0775, 0600 and 0700 too), for a file, a directory and `.`.
mkdir -p d/sub
echo a >f664; chmod 0664 f664
echo b >x775; chmod 0775 x775
echo c >p600; chmod 0600 p600
echo d >d/g640; chmod 0640 d/g640
chmod 0775 d; chmod 0700 d/sub
echo e >d/sub/e; chmod 0444 d/sub/e
cat >Dockerfile <<'DF'
FROM scratch
COPY f664 x775 p600 /files/
COPY d /d/
COPY d/sub /sub
COPY --chmod=0600 f664 /chmod/
DF
