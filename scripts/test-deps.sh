#!/usr/bin/env bash
# Optional system packages the unit tests use (Debian 12):
#   libfreerdp2-2: FreeRDP's MPPC codec, the independent implementation that
#   packages/mppc/test/freerdp-cross-check.test.ts compares @pptpkit/mppc with.
#   groff-base, man-db: groff and man, which apps/client/test/cli/generated-docs.test.ts runs on
#   the generated man page.
# Installs them when missing and running as root; otherwise warns and carries on (the suite
# then skips those checks with a warning, or fails them under CI=true).
set -euo pipefail

missing=()
if ! [ -e /usr/lib/x86_64-linux-gnu/libfreerdp2.so.2 ] && ! ldconfig -p 2>/dev/null | grep -q 'libfreerdp2\.so\.2 '; then
  missing+=(libfreerdp2-2)
fi
command -v groff >/dev/null 2>&1 || missing+=(groff-base)
command -v man >/dev/null 2>&1 || missing+=(man-db)
# systemd-analyze verify checks the unit install-service writes.
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
# python3: the syslog test has glibc's syslog(3) write the reference datagram.
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: ${missing[*]} missing and cannot be installed here (needs root and apt-get);" \
    "the checks that use them will be skipped (or fail under CI)." >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
