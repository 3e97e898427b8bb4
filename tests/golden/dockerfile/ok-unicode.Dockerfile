FROM alpine
LABEL description="日本語のラベル" emoji="🐳"
RUN echo "héllo wörld" > /greeting
WORKDIR /données
