# Replacing a directory with a symlink across COPY layers (class 6): BuildKit refuses
# ("cannot replace to directory …/x with file").
mkdir -p dir/x l; echo x >dir/x/f; ln -s target l/x
printf 'FROM scratch\nCOPY dir /\nCOPY l /\n' >Dockerfile
