FROM busybox AS app
ARG WHO=world
ENV GREETING=hello
# One heredoc: the destination is the file.
COPY <<EOF /greeting.txt
$GREETING $WHO
  indented "quoted" line
EOF
# <<- strips leading tabs; a quoted delimiter does not expand.
COPY --chmod=0600 <<-EOT <<"RAW" /etc/conf/
	name=$WHO
		deeper
	EOT
keep ${HOME} and $WHO
RAW
ADD --chown=1:1 <<one-line /one
single
one-line
