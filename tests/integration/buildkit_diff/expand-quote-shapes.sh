# Quotes and defaults in ENV and ARG (on a busybox base), with what a RUN sees: an ARG with an
# empty value and one without any, ENV values in single quotes, with an escaped double quote
# and an escaped backslash, a default nested in a default, a JSON-looking CMD that is not JSON
# (taken as a shell command), a HEALTHCHECK in JSON form with a minute interval, a real-time
# STOPSIGNAL. The values show in the names and sizes of the files the RUNs write.
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"]}'
cat >Dockerfile <<'DF'
FROM strata-diff-base
ARG E=
ARG N
ENV X='$HOME' Y="a\"b" Z=a\\b
ENV W=${UNSET:-${E:-fallback}}
CMD [ "a" , b ]
HEALTHCHECK --interval=1m30s --retries=1 CMD ["/bin/check", "--deep"]
STOPSIGNAL SIGRTMIN+3
RUN touch "/e-[$E]-n-[$N]-w-[$W]" "/count-E-$(env | grep -c '^E=')" "/count-N-$(env | grep -c '^N=')"
RUN ["/bin/sh", "-c", "echo \"$X|$Y|$Z|$W\" >/xyzw"]
RUN rm /bin/busybox
DF
