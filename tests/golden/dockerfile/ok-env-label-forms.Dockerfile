FROM busybox
ENV A=1 B="two words" C='single $x' D=
ENV LEGACY value with   spaces
ENV E=escaped\ space F=a\"quote
ENV G=${A:-default}/bin H=$B
LABEL org.opencontainers.image.title="My App" version=1.0 \
      "quoted key"=value
LABEL description "legacy label form"
ARG X Y=2 Z="3 4"
