# Expansion in the config instructions and the older forms: `ENV K v w` (one value with
# spaces), an ARG default naming an earlier ARG, $V in EXPOSE, VOLUME, STOPSIGNAL and USER
# (from ENV), a COPY destination from ENV, an ENV overriding an ARG of the same name, and
# empty JSON CMD and ENTRYPOINT.
echo f >f
cat >Dockerfile <<'DF'
FROM scratch
ARG A=1
ARG B=${A}2
ARG P=8080
ENV OLD value with  spaces
ENV Q "quoted old"
ENV D=/dst U=42 SIG=SIGQUIT VOL=/v1
ARG U=7
ENV FROMARG=$B-$U
COPY f $D/
EXPOSE ${P}/udp $P
VOLUME $VOL ["/v2"]
STOPSIGNAL $SIG
USER $U:$A
ENTRYPOINT []
CMD []
DF
