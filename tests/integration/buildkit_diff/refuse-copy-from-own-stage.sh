# Refusals (class 10): a COPY --from naming the stage it is in is a cycle; BuildKit refuses it
# ("circular dependency detected on stage: b"), where Strata took the name for an image to pull.
printf 'FROM scratch AS a\nFROM a AS b\nCOPY --from=b /x /y\n' >Dockerfile
