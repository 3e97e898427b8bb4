# A symlink named as a COPY/ADD source in the context (class 8): BuildKit follows it and copies
# the target's content under the link's name (an archive behind a link is extracted by ADD).
mkdir -p s real; echo 1 >s/f
tar --mtime=@0 --owner=0 --group=0 --numeric-owner -C s -cf - f | gzip -n >real.tar.gz; rm -rf s
ln -s real.tar.gz link.tar.gz; echo t >real/t; ln -s real linkdir; echo x >target; ln -s target link
cat >Dockerfile <<'DF'
FROM scratch
COPY link.tar.gz /c/
COPY link /c/
COPY linkdir /d/
ADD link.tar.gz /e/
DF
