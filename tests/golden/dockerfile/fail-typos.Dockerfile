FROM golang:1.22 AS 2build
WORKDIR /src
CPY . .
RUN --mnt=type=cache,target=/x go build
COPY --from=$STAGE /out /out
HEALTHCHECK --interval=fast CMD true
