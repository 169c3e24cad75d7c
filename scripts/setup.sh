#!/usr/bin/env bash
# Everything a fresh machine needs before vidflow runs or its tests pass. Idempotent and fast when
# nothing changed: each step checks first, and what it builds lives outside the clone
# (~/.cache/vidflow, ~/.npm, Go's module cache) so later runs and CI on the same machine reuse it.
#
#   1. Debian packages: ffmpeg, espeak-ng, fonts for captions in any script, chromium for the Studio's browser tests and
#      PocketSphinx (the offline speech-to-text engine, its English model and the LibriVox test recordings) (when missing)
#   2. The Temporal CLI (dev server + Web UI), unless `temporal` is on PATH or TEMPORAL_BIN is set:
#      built with `go install` into ~/.cache/vidflow/bin
#   3. With VIDFLOW_CLUSTER_TOOLS=1 (`npm test`, `npm run setup:cluster`): the Temporal server, its sql schema tool
#      and SeaweedFS for the multi-host tests (scripts/setup-cluster.sh); `npm start` never needs them
#   4. npm dependencies, when package-lock.json changed since the last install
#   5. The TypeScript build and the prebuilt workflow bundle (incremental)
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION="v1.5.1"   # later tags carry a replace directive that `go install` refuses
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/vidflow"
say() { printf '[setup] %s\n' "$*" >&2; }

# 1. Debian packages ------------------------------------------------------------------------------
APT_PACKAGES=(ffmpeg espeak-ng flite festival festvox-us-slt-hts fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji fonts-dejavu-core chromium
  pocketsphinx pocketsphinx-en-us pocketsphinx-testdata)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null; then
    say "missing ${missing[*]} and no apt-get here: install them with your package manager"; exit 1
  fi
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  say "installing Debian packages: ${missing[*]}"
  # The package lists may be empty on a fresh machine; refresh them once.
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Temporal CLI -----------------------------------------------------------------------------------
if [ -z "${TEMPORAL_BIN:-}" ] && [ -z "${TEMPORAL_ADDRESS:-}" ] && ! command -v temporal >/dev/null \
   && [ ! -x "$CACHE_DIR/bin/temporal" ]; then
  if ! command -v go >/dev/null; then
    say "no Temporal CLI and no Go toolchain to build it."
    say "Install the CLI (https://docs.temporal.io/cli), set TEMPORAL_BIN to its path,"
    say "or install Go and rerun; or set TEMPORAL_ADDRESS to use an existing Temporal server."
    exit 1
  fi
  say "building the Temporal CLI $TEMPORAL_CLI_VERSION with Go (first run only; a few minutes)"
  mkdir -p "$CACHE_DIR/bin"
  GOBIN="$CACHE_DIR/bin" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
fi

# 3. Cluster tools (only when asked) -----------------------------------------------------------------
if [ "${VIDFLOW_CLUSTER_TOOLS:-0}" = "1" ]; then
  bash scripts/setup-cluster.sh
fi

# 4. npm dependencies -------------------------------------------------------------------------------
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.vidflow-lock-sha256
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  say "installing npm dependencies"
  # `npm ci`: exactly the lock file, which lists every platform's optional @swc/core-* binary (see the README,
  # "Adding a dependency"), so a fresh clone stays clean. Should the lock be out of step with package.json
  # (a hand edit), `npm install` repairs it and says so: commit the new lock.
  if ! npm ci --no-audit --no-fund --prefer-offline --loglevel=error; then
    say "npm ci refused package-lock.json (out of step with package.json?); running npm install instead"
    npm install --no-audit --no-fund --prefer-offline --loglevel=error
  fi
  echo "$lock_hash" > "$stamp"
fi

# 5. Build --------------------------------------------------------------------------------------------
npm run --silent build >/dev/null
