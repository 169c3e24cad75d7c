#!/usr/bin/env bash
# Builds what the multi-host shape needs and `npm start` does not: the Temporal server 1.29.1, its `sql` schema tool and
# SeaweedFS (the S3-compatible store). Only when missing; the binaries live in ~/.cache/vidflow/bin (outside the
# clone) so later runs and CI on the same machine reuse them. Idempotent: a second run prints one line and exits.
# Called by scripts/setup.sh only when VIDFLOW_CLUSTER_TOOLS=1 (`npm test` sets it), never by `npm start`.
set -euo pipefail

TEMPORAL_SERVER_VERSION="v1.29.1"   # the server inside the CLI v1.5.1 the dev server uses; later ones need a newer Go
# SeaweedFS's go.mod has a replace directive, so `go install` refuses it: download the module and build inside it.
SEAWEEDFS_VERSION="v0.0.0-20261109003541-7506e5f91cd6"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/vidflow"
BIN="$CACHE_DIR/bin"
say() { printf '[setup-cluster] %s\n' "$*" >&2; }

need=()
[ -x "$BIN/temporal-server" ] || need+=(temporal-server)
[ -x "$BIN/temporal-sql-tool" ] || need+=(temporal-sql-tool)
[ -x "$BIN/weed" ] || need+=(weed)
[ -f "$BIN/temporal-schema/postgresql/v12/temporal/versioned/v1.0/manifest.json" ] || need+=(schema)
if ((${#need[@]} == 0)); then say "cluster tools present in $BIN"; exit 0; fi

if ! command -v go >/dev/null; then
  say "missing ${need[*]} and no Go toolchain to build them: install Go (1.24+) and rerun"
  exit 1
fi
mkdir -p "$BIN"
# Builds go to a temporary name first and are moved into place only when complete, so an interrupted build never
# leaves a binary that later runs would take for finished.
tmp=$(mktemp -d "$BIN/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
build() { nice -n 10 env GOFLAGS="${GOFLAGS:--buildvcs=false}" "$@"; }

if [[ " ${need[*]} " == *" temporal-server "* ]]; then
  say "building the Temporal server $TEMPORAL_SERVER_VERSION (first run only; a few minutes)"
  build env GOBIN="$tmp" go install -ldflags='-s -w' "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION"
  mv "$tmp/server" "$BIN/temporal-server"
fi
if [[ " ${need[*]} " == *" temporal-sql-tool "* ]]; then
  say "building the Temporal sql schema tool $TEMPORAL_SERVER_VERSION"
  build env GOBIN="$tmp" go install -ldflags='-s -w' "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"
  mv "$tmp/sql" "$BIN/temporal-sql-tool"
fi
if [[ " ${need[*]} " == *" schema "* ]]; then
  # The versioned schema files ship in the server module; copy them next to the binaries so the cluster test does not
  # depend on where Go keeps its module cache.
  dir=$(go mod download -json "go.temporal.io/server@$TEMPORAL_SERVER_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  rm -rf "$BIN/temporal-schema"; mkdir -p "$tmp/schema"
  cp -r "$dir/schema/postgresql" "$tmp/schema/"
  chmod -R u+w "$tmp/schema"
  mv "$tmp/schema" "$BIN/temporal-schema"
fi
if [[ " ${need[*]} " == *" weed "* ]]; then
  say "building SeaweedFS $SEAWEEDFS_VERSION (first run only; about 4 minutes)"
  dir=$(go mod download -json "github.com/seaweedfs/seaweedfs@$SEAWEEDFS_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  (cd "$dir" && build go build -ldflags='-s -w' -o "$tmp/weed" ./weed)
  mv "$tmp/weed" "$BIN/weed"
fi
say "cluster tools ready in $BIN"
