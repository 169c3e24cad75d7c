#!/usr/bin/env bash
# The typed API client (libs/api-client) from the OpenAPI document the API serves at /docs-json:
#   1. compile the API (incremental) and write its document from the same builder, without a server or Temporal
#   2. openapi-typescript turns it into libs/api-client/src/generated/openapi.ts (git-ignored, like dist/)
# Run by `npm run build` before the CLI compiles against the types, and by `npm run lint`, so a change to a
# zod schema is type-checked against every caller of the client at once.
set -euo pipefail
cd "$(dirname "$0")/.."
out=libs/api-client/src/generated
bin=node_modules/.bin
mkdir -p "$out"
"$bin/tsc" -b apps/api/tsconfig.json
node apps/api/dist/openapi/write-openapi-document.js "$out/openapi.json"
if [ ! -f "$out/openapi.ts" ] || [ "$out/openapi.json" -nt "$out/openapi.ts" ]; then
  # --default-non-nullable false: a field with a default stays optional in request bodies (the tool's
  # default makes it required, which would force every caller to send `maxConcurrent`, `timezone`, ...).
  # To stdout: the tool is quiet then (the build's output stays the build's).
  "$bin/openapi-typescript" "$out/openapi.json" --default-non-nullable false > "$out/openapi.ts.part"
  mv "$out/openapi.ts.part" "$out/openapi.ts"
fi
