FROM python:3.12-slim AS app
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN pip --version | head -1
LABEL org.opencontainers.image.title="app" version=1.0
EXPOSE 8000 53/udp 9000-9001
VOLUME ["/data", "/logs"]
USER 1000:1000
STOPSIGNAL SIGINT
HEALTHCHECK --interval=10s --retries=2 CMD python -c "print(1)"
ONBUILD RUN echo child
# ENTRYPOINT drops the CMD the base image had; shell form runs through SHELL.
ENTRYPOINT exec python -m app

FROM app AS with-cmd
CMD ["--port", "8000"]
ENTRYPOINT ["python", "-m", "app"]
