FROM busybox:1.36 AS tools
RUN mkdir -p /opt/tools && echo hi > /opt/tools/hello

FROM debian:bookworm-slim
# From a stage by index, from an external image, from the context with globs.
COPY --from=0 /opt/tools/hello /usr/local/bin/
COPY --from=docker.io/library/alpine:3.19 /etc/os-release /etc/alpine-release
COPY --chown=app:app --chmod=0644 --link config/*.conf /etc/app/
COPY --exclude=*.md --exclude=tests docs /usr/share/doc/app
COPY --parents src/./lib/a.txt src/./lib/b.txt /opt/
COPY ["README.md", "LICENSE", "/usr/share/doc/"]
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool-1.0.tar.gz /opt/
