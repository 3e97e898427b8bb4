# COPY --from=stage with wildcards (class 4): matched directories' contents merge into the
# destination, files keep their names, no match copies nothing, a file named `*` is matched.
mkdir -p src/a/b/d1 src/a/b/d2
echo 1 >src/a/b/f1.txt; echo 2 >src/a/b/f2.txt; echo 3 >'src/a/b/*'
echo d1 >src/a/b/d1/x; echo d2 >src/a/b/d2/y
cat >Dockerfile <<'DF'
FROM scratch AS b
COPY src /
FROM scratch
COPY --from=b /a/b/* /all/
COPY --from=b /a/b/*.txt /txt/
COPY --from=b /a/b/f1* /one.txt
COPY --from=b /a/b/d* /dirs/
COPY --from=b /a/b/nomatch* /empty/
COPY --from=b /a/*/f2.txt /mid/
DF
