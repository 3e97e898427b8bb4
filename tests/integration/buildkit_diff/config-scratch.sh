# Image config (class 2): the defaults of a scratch stage (PATH in Env, WorkingDir "/"), `$PATH`
# seeing the default, WORKDIR kept as written when absolute (trailing slash) and joined and
# cleaned when relative, and every other field BuildKit writes, inherited by a child stage.
cat >Dockerfile <<'DF'
FROM scratch AS base
ENV PATH=/opt/bin:$PATH A=1
WORKDIR /srv/app/
LABEL a=b "c d"=e
EXPOSE 80 443/udp 8000-8002
USER 1000:1000
VOLUME /data ["/logs"]
STOPSIGNAL SIGINT
HEALTHCHECK --interval=5s --timeout=3s --retries=2 CMD ["true"]
SHELL ["/bin/bash", "-c"]
ENTRYPOINT ["/bin/app"]
CMD run now
FROM base
WORKDIR sub/../x/
ENV B=$A-2
ONBUILD RUN echo child
DF
