# One image for api and worker (the command picks the role). Not built on the development machines
# (no Docker engine there); see README.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      chromium fonts-wqy-zenhei fonts-arphic-uming ca-certificates tini \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production CHROMIUM_PATH=/usr/bin/chromium PUPPETEER_SKIP_DOWNLOAD=1
COPY package.json package-lock.json .puppeteerrc.cjs ./
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && npm ci --no-audit --no-fund \
    && apt-get purge -y python3 make g++ && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY templates templates
COPY demo demo
COPY bin bin
COPY scripts scripts
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev
# the data directory (rendered PDFs, evidence files, the .eml outbox) belongs to the user the
# processes run as; a new named volume mounted here takes this owner
RUN mkdir -p /data && chown node:node /data
ENV DATA_DIR=/data
VOLUME /data
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "-r", "./scripts/register-paths.js", "dist/apps/api/src/main.js"]
