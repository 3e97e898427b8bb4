# A copied directory meeting a file of the image (class 6): BuildKit refuses
# ("cannot copy to non-directory: …/x").
mkdir -p a b/x; echo 1 >a/x; echo 2 >b/x/f
printf 'FROM scratch\nCOPY a /\nCOPY b /\n' >Dockerfile
