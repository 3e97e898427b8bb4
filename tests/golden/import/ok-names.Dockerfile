FROM alpine:3.19 AS build-env
RUN echo one > /one

FROM alpine:3.19 AS image
RUN echo two > /two

FROM scratch AS unused
COPY --from=image /two /two

FROM scratch
COPY --from=build-env /one /one
COPY --from=image /two /two
