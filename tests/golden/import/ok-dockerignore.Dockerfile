FROM node:20-alpine
WORKDIR /app
COPY . .
COPY *.js ./js/
