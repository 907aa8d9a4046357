#!/usr/bin/env bash
# The test command: set-up on a fresh machine, then every package's test suite.
# Extra arguments go to vitest (e.g. `bash scripts/test.sh --project @pptpkit/mppe`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/test-deps.sh
# linux-net's prebuilt addon, which its tests load from prebuilds/ (built, not committed).
pnpm --filter @pptpkit/linux-net run prebuild
# The published program: install-service installs it, and its tests read what it wrote.
pnpm --filter pptpkit run build
pnpm test "$@"
