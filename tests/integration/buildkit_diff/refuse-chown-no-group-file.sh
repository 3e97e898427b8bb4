# --chown with a group name in a stage without /etc/group (class 7): BuildKit refuses (here
# "invalid user index: -1": the scratch stage has no files to look the name up in).
echo 1 >f
printf 'FROM scratch\nCOPY --chown=1:adm f /o/a\n' >Dockerfile
