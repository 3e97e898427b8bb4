# Replacing a symlink with a directory across COPY layers (class 6): BuildKit merges a copied
# directory into what the image holds and refuses when the image has a symlink there, even one
# to a directory ("cannot copy to non-directory: …/x").
mkdir -p l/y dir/x; ln -s y l/x; echo x >dir/x/f
printf 'FROM scratch\nCOPY l /\nCOPY dir /\n' >Dockerfile
