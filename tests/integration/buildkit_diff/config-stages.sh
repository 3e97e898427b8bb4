# Config across stages (class 2): ENV inherited from a stage and overridden, $VAR seeing the
# parent stage's ENV, HEALTHCHECK NONE over an inherited check, a relative WORKDIR joining the
# parent's, USER without a group, STOPSIGNAL as a number, and no ARG in the Env.
echo f >f
cat >Dockerfile <<'DF'
FROM scratch AS a
COPY f /f
ENV X=1 Y=a
ARG BUILDONLY=secret
HEALTHCHECK --interval=2s CMD ["check", "a"]
WORKDIR /w1
USER app
FROM a AS b
ARG B2=x
ENV Y=b Z=$X$Y-$BUILDONLY-$B2
HEALTHCHECK NONE
USER 1000
WORKDIR sub/../sub2
STOPSIGNAL 9
DF
