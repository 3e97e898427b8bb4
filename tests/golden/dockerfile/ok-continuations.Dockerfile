FROM debian:12
RUN set -eux; \
    apt-get update; \
# a comment inside the command is dropped
    apt-get install -y \
        curl \
    # an indented comment too
        git; \
    rm -rf /var/lib/apt/lists/*
RUN echo one \\
ENV C trailing\\
RUN echo an escaped escape, then a lone one \\\
RUN echo each line is its own instruction
RUN echo trailing \   
    blanks
COPY a \
     b \
     /dest/
