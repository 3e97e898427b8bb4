# ADD of archives dockerd 20.10 unpacks or copies as is, by content: a bzip2 tar (unpacked), a
# zstd tar under a name without an extension (copied as is: 20.10 knows gzip, bzip2 and xz),
# and a gzip holding a zstd tar (one decompressor, no tar inside: copied as is).
mkdir -p t
echo aaa >t/a.txt
tar --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -cf plain.tar t
bzip2 -c plain.tar >a.tar.bz2
zstd -q -c plain.tar >blob
zstd -q -c plain.tar | gzip -n -c >nested.gz
rm plain.tar
cat >Dockerfile <<'DF'
FROM scratch
ADD a.tar.bz2 /bz2/
ADD blob /zst/
ADD nested.gz /nested/
DF
