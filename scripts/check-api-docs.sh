#!/usr/bin/env bash
# Fails when docs/API.md (the API reference, generated from the TSDoc by typedoc with
# typedoc-plugin-markdown, typedoc.json) is not what the current source generates.
# Regenerate it with `npm run docs`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
npx --no-install typedoc --logLevel Warn --out "$tmp"
if ! diff -u docs/API.md "$tmp/API.md"; then
  echo "docs/API.md is stale: run npm run docs and commit it" >&2
  exit 1
fi
echo "docs/API.md is up to date"
