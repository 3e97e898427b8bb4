# Parser shapes the other cases lack (on a busybox base): lower-case instructions, ENV pairs
# continued over lines with quotes and escaped spaces, a comment and an empty line inside a
# continued RUN, a JSON RUN reading an ARG, WORKDIR with trailing slashes, EXPOSE ranges and
# a port given twice. The values show in the sizes of the files the RUNs write.
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"]}'
cat >Dockerfile <<'DF'
from strata-diff-base as first
ARG Q="a b"
env E1=one \
    E2="two words" E3=three\ four
run echo "$Q|$E1" >/p1 && \
# a comment inside the continuation
    echo "$E2|$E3" >>/p1
RUN ["/bin/sh", "-c", "echo \"$Q|$E3\" >/p2"]
RUN echo 'x' \

  >/p3
WORKDIR /w/x/
WORKDIR y/
RUN touch here
EXPOSE 7000-7002/tcp 53/udp 53 53/tcp
Run rm /bin/busybox
DF
