FROM alpine
CMD ["echo", "a \"quoted\" word", "tab\there", "unicode é ✓"]
CMD [ "spaced" , "out" ]
CMD ["not", closed
CMD [echo, hi]
ENTRYPOINT []
VOLUME ["/data", "/logs"]
VOLUME /cache /tmp/x
COPY ["src dir/", "/dest dir/"]
ADD ["https://example.com/a.tgz", "/a.tgz"]
RUN ["sh", "-c", "echo \\u00e9 \u00e9"]
SHELL ["/bin/ash", "-eo", "pipefail", "-c"]
