# syntax=docker/dockerfile:1.7
FROM debian:bookworm
RUN <<EOF
apt-get update
apt-get install -y curl
EOF
RUN <<-"SCRIPT" bash -eux
	echo "not expanded: $HOME"
	SCRIPT
COPY <<conf.ini <<'raw.txt' /etc/app/
[main]
home=$HOME
conf.ini
$literal
raw.txt
RUN 3<<FD3 cat /dev/fd/3 && cat <<EOT2
three
FD3
two
EOT2
ADD <<EOF /hello.txt
hello
EOF
RUN echo "<<NOT_A_HEREDOC"
