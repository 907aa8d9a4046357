#!/usr/bin/env bash
# Optional system libraries the unit tests cross-check against (Debian 12):
#   libfreerdp2-2: FreeRDP's MPPC codec, the independent implementation that
#   packages/mppc/test/freerdp-cross-check.test.ts compares @pptpkit/mppc with.
# Installs them when missing and running as root; otherwise warns and carries on (the suite
# then skips the cross-check with a warning, or fails it under CI=true).
set -euo pipefail

if [ -e /usr/lib/x86_64-linux-gnu/libfreerdp2.so.2 ] || ldconfig -p 2>/dev/null | grep -q 'libfreerdp2\.so\.2 '; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: libfreerdp2-2 is missing and cannot be installed here (needs root and apt-get);" \
    "the MPPC FreeRDP cross-check will be skipped (or fail under CI)." >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends libfreerdp2-2; then
  apt-get update
  apt-get install -y --no-install-recommends libfreerdp2-2
fi
