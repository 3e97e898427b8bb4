# Config instructions (class 2, on scratch): USER with a group (names, so umoci can unpack it), EXPOSE with and without a
# protocol (upper case too), VOLUME in JSON and string forms, STOPSIGNAL, HEALTHCHECK with every
# option and a shell command, SHELL then CMD's shell form, LABEL with several keys and quotes,
# ENTRYPOINT's shell form after a CMD of the same stage.
mkdir etc
printf 'root:x:0:0::/:/bin/sh\napp:x:1001:1002::/:/bin/sh\n' >etc/passwd
printf 'root:x:0:\ngrp:x:1003:\n' >etc/group
cat >Dockerfile <<'DF'
FROM scratch
COPY etc /etc
USER app:grp
EXPOSE 80/udp 443 8080/TCP
VOLUME ["/a", "/b"]
VOLUME /c /d
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=4 CMD check -f http://x/ || exit 1
SHELL ["/bin/bash", "-eu", "-c"]
CMD echo "hi $HOME"
LABEL "com.x.a"="va lue" b='single q' c=plain\ esc d="multi \"q\"" e=
ENTRYPOINT exec /bin/app --flag
DF
