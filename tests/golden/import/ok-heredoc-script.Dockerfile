# A heredoc script with #! runs by its interpreter.
FROM busybox
RUN <<EOF
#!/bin/sh -e
echo "script: $0" > /result
EOF
RUN <<-EOT sh
	echo tab-stripped > /t
EOT
