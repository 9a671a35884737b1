#!/usr/bin/env bash
# Refresh the vendored htmx from the npm registry: bash scripts/vendor-htmx.sh [version]
# The pages load api/static/vendor/htmx.min.js from the product itself, never from a CDN.
set -euo pipefail
version="${1:-2}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "htmx.org@${version}" >/dev/null
tar -xzf htmx.org-*.tgz
cp package/dist/htmx.min.js "$here/api/static/vendor/htmx.min.js"
cp package/LICENSE "$here/api/static/vendor/htmx.LICENSE"
echo "htmx.org $(node -p 'require("./package/package.json").version')" > "$here/api/static/vendor/VERSIONS"
echo "vendored $(cat "$here/api/static/vendor/VERSIONS")"
