# ADD of an archive through symlinks (class 8), as BuildKit's untar does it (chrooted at the
# destination): an entry under a stage's symlink (x -> y, a -> /b) lands in its target, a
# directory entry replaces a symlink (z -> y becomes a directory), a symlink in the archive
# (l -> sub) is followed by later entries, and the destination as written resolves through
# the stage's symlinks (/v/ -> y).
mkdir -p l/y l/b s/x s/a s/z s/sub t/l; ln -s y l/x; ln -s /b l/a; ln -s y l/z; ln -s y l/v
echo 1 >s/x/f; echo 2 >s/a/g; echo 3 >s/z/h; ln -s sub s/l; echo 4 >t/l/i
tar -C s -cf a.tar x/f a/g z sub l; tar -C t -rf a.tar l/i; rm -rf s t
echo 5 >k; tar -cf b.tar k; rm k
cat >Dockerfile <<'DF'
FROM scratch
COPY l /
ADD a.tar /
ADD b.tar /v/
DF
