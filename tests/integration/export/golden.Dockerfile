# Exported by strata export --dockerfile (docs/export.md): the image of node
# 64a75f69eafe14acd231141979f588db. Build it with BuildKit; context files are under ctx/ and
# prebuilt/.

FROM scratch AS s0
WORKDIR /src
COPY ctx/30fb2753ec66 .
ARG MODE=release
RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=token,target=/run/secrets/token,required=true make app
RUN ["/bin/sh","-c","set -e\nmkdir -p /out && cp app /out/app\n"]

FROM scratch AS s1
COPY --from=s0 /out/app /app
COPY --chown=65532:65532 ctx/04cc61e9d281-1/config.txt /etc/app/config.txt
COPY ctx/ad5ec75f66f4 /data/
ENV MESSAGE="say \"hi\" for \$5"
USER 65532
EXPOSE 8080/tcp
LABEL org.opencontainers.image.title="golden app"
HEALTHCHECK --interval=30s --retries=3 CMD ["/app","-health"]
ENTRYPOINT ["/app"]
CMD ["--serve"]
