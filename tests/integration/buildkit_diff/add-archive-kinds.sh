# ADD of local archives of each compression (gzip, xz, zstd, plain), one holding a hard link, a
# relative and an absolute symlink, entries owned by 1001:1002 and a 0750 folder; a gzip that
# is not a tar (copied as is, still compressed) and a plain file named like an archive.
mkdir -p t/sub
echo aaa >t/a.txt; echo bb >t/sub/b; ln t/a.txt t/hl; ln -s a.txt t/sl; ln -s /etc/abs t/abs
chmod 0750 t/sub
tar --numeric-owner --owner=1001 --group=1002 --mtime=@0 --sort=name -cf plain.tar t
gzip -n -c plain.tar >a.tar.gz
xz -c plain.tar >a.tar.xz
zstd -q -c plain.tar >a.tar.zst
echo 'not a tar' | gzip -n -c >notar.gz
echo 'just text' >fake.tar.gz
cat >Dockerfile <<'DF'
FROM scratch
ADD a.tar.gz /gz/
ADD a.tar.xz /xz
ADD a.tar.zst /zst/
ADD plain.tar /plain/
ADD notar.gz /p/
ADD fake.tar.gz /p/
ADD --chown=7:8 a.tar.gz /owned/
DF
