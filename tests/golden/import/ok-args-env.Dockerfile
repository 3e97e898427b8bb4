# syntax=docker/dockerfile:1
# Versions are parameters of the translation.
ARG NODE_VERSION=20
ARG REGISTRY=docker.io
ARG UNUSED_DEFAULTLESS

FROM ${REGISTRY}/library/node:${NODE_VERSION}-alpine AS deps
# Re-declared: the global value reaches RUN as environment.
ARG NODE_VERSION
ARG APP_ENV=production
ENV NODE_ENV=$APP_ENV
WORKDIR /app
COPY package.json ./
RUN echo "node $NODE_VERSION for $APP_ENV" && npm ci

FROM deps AS test
ARG APP_ENV=test
RUN npm test

FROM node:${NODE_VERSION}-alpine
COPY --from=deps /app/node_modules /app/node_modules
CMD ["node", "/app/server.js"]
