FROM alpine:3.19 AS base
RUN --mnt=type=cache,target=/x true
COPY --chmoad=644 a /a
HEALTHCHECK CMD
HEALTHCHECK --interval=fast CMD true
FROM base AS base
CPY . .
