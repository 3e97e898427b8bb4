# What BuildKit's COPY does replace (class 6): a file or symlink over a file or symlink; the
# destination as written is resolved through the image's symlinks (a dangling one too: its
# target is created), so `COPY dir /x/` with /x -> y fills /y, `COPY f /z` with /z -> t writes t.
mkdir -p a b c l dir; echo 1 >a/x; ln -s zz b/x; echo 3 >c/x
ln -s y l/x; ln -s t l/z; ln -s w l/v; echo old >l/t; echo new >f; echo d >dir/f
cat >Dockerfile <<'DF'
FROM scratch
COPY l /
COPY dir /x/
COPY dir /v/
COPY f /z
COPY a /p/
COPY b /p/
COPY c /p/
COPY b /q/
COPY a /q/
DF
