# syntax=docker/dockerfile:1
#
# One image for both processes; docker-compose.yml picks the command:
#   api:    node apps/api/dist/main.js     (HTTP, port 3000)
#   worker: node apps/worker/dist/main.js  (Temporal worker, task queues vidflow-io and vidflow-render)
#
# Stages: `manifests` (package files only, so dependency layers stay cached while sources change),
# `build` (all dependencies, tsc -b and the workflow bundle), `prod-deps` (runtime dependencies
# only) and `runtime` (Debian packages + prod node_modules + every workspace's dist/).
# Build and runtime share one base image so native addons (@temporalio/core-bridge, @swc/core)
# are installed for the same libc and architecture they run on.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
# npm needs every workspace's package.json to recreate the node_modules/@vidflow/* links.
# Keep this list in sync with "workspaces" in package.json.
COPY libs/contracts/package.json libs/contracts/
COPY libs/config/package.json libs/config/
COPY libs/media/package.json libs/media/
COPY libs/activities/package.json libs/activities/
COPY libs/workflows/package.json libs/workflows/
COPY libs/api-client/package.json libs/api-client/
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/launcher/package.json apps/launcher/

FROM manifests AS build
# `npm install` honours package-lock.json; `npm ci` is not used because npm 11 leaves other platforms'
# optional binaries (@swc/core-*) out of the lock file and then refuses it (see scripts/setup.sh).
RUN --mount=type=cache,target=/root/.npm \
    npm install --no-audit --no-fund
COPY . .
# After building, collect only the compiled output of each workspace, laid out as in the
# repository, so the runtime stage copies it in one step without sources, specs or tsbuildinfo.
RUN npm run build \
 && mkdir -p /out \
 && for ws in $(node -p "require('./package.json').workspaces.join(' ')"); do \
      mkdir -p "/out/$ws" && cp -a "$ws/dist" "/out/$ws/dist" || exit 1; \
    done

FROM manifests AS prod-deps
RUN --mount=type=cache,target=/root/.npm \
    npm install --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# ffmpeg/ffprobe render and probe; espeak-ng, flite and festival (HTS voice) are the offline TTS voices; pocketsphinx with its English model is the
# offline speech-to-text engine of transcriptions; the font packages give
# drawtext/subtitles glyphs for Latin, CJK and emoji captions. tini reaps ffmpeg children and
# forwards SIGTERM so the Temporal worker can drain before the container stops.
# ca-certificates lets ffmpeg open https:// backgrounds and music (Node ships its own CA store).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ffmpeg \
      espeak-ng \
      flite \
      festival \
      festvox-us-slt-hts \
      pocketsphinx \
      pocketsphinx-en-us \
      fonts-noto-core \
      fonts-noto-cjk \
      fonts-noto-color-emoji \
      fonts-dejavu-core \
      ca-certificates \
      tini \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV NODE_ENV=production \
    DATA_DIR=/data \
    API_HOST=0.0.0.0

# Root and workspace package.json files, node_modules (with the relative @vidflow/* symlinks)
# and any per-workspace node_modules npm had to nest.
COPY --from=prod-deps /app/ /app/
COPY --from=build /out/ /app/

# The application code stays root-owned and read-only for the process; only DATA_DIR is
# writable. A named volume mounted here for the first time copies this directory's owner,
# so the `node` user (uid 1000, shipped with the base image) can write artifacts into it.
RUN mkdir -p /data \
 && chown node:node /data
USER node

EXPOSE 3000
# No HEALTHCHECK here: the same image runs the worker, which serves no HTTP. The api's
# healthcheck lives in docker-compose.yml.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "apps/api/dist/main.js"]
