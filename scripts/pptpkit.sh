#!/usr/bin/env bash
# Runs the pptpkit CLI, doing its own setup first on a fresh machine (Debian 12 + Node 20):
# installs the workspace (scripts/setup.sh) when needed and builds the linux-net addon.
#
#   bash scripts/pptpkit.sh up PEER [--peers-dir DIR] [--secrets FILE] [--background]
#   bash scripts/pptpkit.sh down PEER | status [PEER] [--json] | log [PEER]
#   bash scripts/pptpkit.sh demo    as root: start the interop lab (real pptpd in a
#                                   user-mode-linux guest, inside network namespace pkl-lab),
#                                   bring a tunnel up through it, ping, show status, tear down
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ ! -x node_modules/.bin/tsx ]; then
  echo "pptpkit.sh: installing the workspace (scripts/setup.sh)" >&2
  bash scripts/setup.sh >&2
fi
if [ ! -f packages/linux-net/build/Release/pptpkit_linux_net.node ]; then
  echo "pptpkit.sh: building the @pptpkit/linux-net addon" >&2
  pnpm --filter @pptpkit/linux-net run install >&2
fi

pptpkit() { "$root/apps/client/bin/pptpkit" "$@"; }

if [ "${1:-}" != demo ]; then
  pptpkit "$@"
  exit $?
fi

[ "$(id -u)" = 0 ] || { echo "pptpkit.sh demo: run as root (the lab creates a network namespace)" >&2; exit 3; }
command -v ping >/dev/null || apt-get install -y iputils-ping >&2
lab="$root/tools/lab/lab.sh"
lab_running() { local s; s=$(bash "$lab" status 2>/dev/null || true); [[ $s == *'server guest: running'* ]]; }
if ! lab_running; then
  bash "$lab" deps >&2 || true
  if bash "$lab" start >&2; then started_lab=1; else lab_running || exit 1; fi
fi
eval "$(bash "$lab" env)"
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${started_lab:-}" ] && bash "$lab" stop >&2 || true' EXIT
mkdir -p "$work/peers" "$work/run"
# The seed guide's files, for the lab's server and account.
cat >"$work/peers/lab" <<PEER
pty "pptp 10.77.0.10 --nolaunchpppd"
name ${PKL_USER:-pptpkit}
remotename PPTP
require-mppe-128
file $work/options.pptp
ipparam tunnel
defaultroute
PEER
echo 'lock noauth nobsdcomp nodeflate' >"$work/options.pptp"
printf '%s PPTP %s *\n' "${PKL_USER:-pptpkit}" "${PKL_PASSWORD:-golden-Passw0rd}" >"$work/chap-secrets"
chmod 600 "$work/chap-secrets"
export PPTPKIT_RUN_DIR="$work/run"
ns() { ip netns exec pkl-lab "$@"; }

echo "== pptpkit up lab --background (in namespace pkl-lab)"
ns "$root/apps/client/bin/pptpkit" \
  up lab --peers-dir "$work/peers" --secrets "$work/chap-secrets" --background
echo "== pptpkit log lab"
pptpkit log lab
sleep 1
echo "== ping 192.168.77.1 (the server's tunnel address) and 10.78.0.1 (routed behind it)"
ns ping -c 3 -i 0.3 192.168.77.1 | tail -2
ns ping -c 3 -i 0.3 10.78.0.1 | tail -2
echo "== pptpkit status lab"
ns "$root/apps/client/bin/pptpkit" status lab
echo "== pptpkit down lab"
ns "$root/apps/client/bin/pptpkit" down lab
echo "== routing table of pkl-lab after down"
ns ip -4 route
echo "done. To run your own tunnel: bash scripts/pptpkit.sh up PEER (stop it with Ctrl-C or: bash scripts/pptpkit.sh down PEER)"
