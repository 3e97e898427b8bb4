# Image config on an inherited base (class 2): the base's Env, User, Cmd, Labels, ports,
# volumes, Healthcheck and StopSignal carry over; its ONBUILD trigger runs and OnBuild is not
# inherited; ENTRYPOINT drops the inherited Cmd; LABEL overrides a base label; ENV sees the
# base's env; a relative WORKDIR joins the base's WorkingDir and its directory is owned by
# the base's USER.
source "$(dirname "$0")/base-image.inc"
make_base '{"Env": ["BASEVAR=base", "PATH=/base/bin:/usr/bin"], "WorkingDir": "/existing", "User": "app",
  "Cmd": ["base-cmd"], "Labels": {"basel": "1", "over": "base"}, "ExposedPorts": {"9000/tcp": {}},
  "Volumes": {"/bvol": {}}, "Healthcheck": {"Test": ["CMD", "check"], "Interval": 7000000000},
  "StopSignal": "SIGUSR1", "OnBuild": ["ENV TRIG=1"]}'
cat >Dockerfile <<'DF'
FROM strata-diff-base
ENTRYPOINT ["ep"]
LABEL over=child new=1
ENV B2=${BASEVAR}-x PATH=$PATH:/more
EXPOSE 80
VOLUME /cvol
WORKDIR rel
DF
