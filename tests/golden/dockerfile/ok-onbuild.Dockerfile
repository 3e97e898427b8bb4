FROM node:20 AS base
ONBUILD COPY package*.json ./
ONBUILD RUN npm ci
onbuild run --mount=type=cache,target=/root/.npm npm run build
ONBUILD ENV NODE_ENV=production
ONBUILD HEALTHCHECK CMD ["node", "health.js"]
