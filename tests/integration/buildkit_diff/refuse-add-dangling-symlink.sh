# ADD of an archive whose entry goes through a stage's dangling symlink (class 8): BuildKit's
# untar fails ("open /x/f: no such file or directory").
mkdir -p s/x l; echo 1 >s/x/f; tar -C s -cf a.tar x/f; rm -rf s; ln -s /nowhere l/x
printf 'FROM scratch\nCOPY l /\nADD a.tar /\n' >Dockerfile
