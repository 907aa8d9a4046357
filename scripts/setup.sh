#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine that has only Node 20 + npm: provides the pnpm version
# pinned in package.json ("packageManager") and installs the workspace's dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$want" ]; then
  # Corepack's signature check fails against some registry mirrors; keys are not needed to pin.
  export COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  if ! { corepack enable pnpm && [ "$(pnpm --version 2>/dev/null || true)" = "$want" ]; }; then
    npm install --global --no-fund --no-audit "pnpm@$want"
  fi
fi
pnpm install --frozen-lockfile
