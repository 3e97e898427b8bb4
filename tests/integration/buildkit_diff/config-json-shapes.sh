# JSON and word shapes in config instructions: a CMD with \u escapes and an escaped quote, an
# ENTRYPOINT with an empty string, ENV with a quoted key's value holding `=`, a relative WORKDIR
# first on a scratch stage, a FROM --platform from BUILDPLATFORM, an EXPOSE range from ENV,
# USER with trailing blanks, STOPSIGNAL in lower case.
cat >Dockerfile <<'DF'
FROM --platform=$BUILDPLATFORM scratch
ENV RANGE=9000-9002 EQ="a=b=c"
WORKDIR rel/dir
CMD ["caf\u00e9", "say \"hi\"", "tab\there"]
ENTRYPOINT ["", "x"]
EXPOSE $RANGE/udp
USER 1000:1000   
STOPSIGNAL sigusr1
DF
