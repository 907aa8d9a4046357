#!/usr/bin/env bash
# Boots a real systemd (systemd-nspawn) inside a network namespace, with this machine's own root
# file system under a throw-away overlay, installs pptpkit's service there with
# `pptpkit install-service`, starts `pptpkit@PEER` as systemd would on a server, and collects
# what a sysadmin would look at (systemctl status/show, the journal, the process's user and
# capabilities, a ping through the tunnel, the stop) into a results directory; then powers off.
#
#   tools/service-lab/boot.sh NETNS RESULTS_DIR PROGRAM PEER_FILE SECRETS_FILE PING_TARGET
#
# NETNS: the namespace the container joins (the lab's, where the server is reachable).
# PROGRAM: the built pptpkit (apps/client/dist/pptpkit.js). PEER_FILE and SECRETS_FILE become
# /etc/ppp/peers/lab and /etc/ppp/chap-secrets inside. Needs root and systemd-container.
# Results: show-up.txt, status.txt, proc.txt, ping.txt, cli-status.txt, show-down.txt,
# journal.json, routes-up.txt, routes-down.txt, boot.log.
set -euo pipefail
[ $# -eq 6 ] || { sed -n 2,14p "$0"; exit 2; }
NETNS=$1 RESULTS=$2 PROGRAM=$3 PEER_FILE=$4 SECRETS_FILE=$5 PING_TARGET=$6
command -v systemd-nspawn >/dev/null || { echo "boot.sh: no systemd-nspawn (apt-get install systemd-container)" >&2; exit 3; }
[ -e "/run/netns/$NETNS" ] || { echo "boot.sh: no namespace $NETNS" >&2; exit 3; }

WORK=$(mktemp -d /tmp/pptpkit-service-lab.XXXXXX)
ROOT=$WORK/root
cleanup() {
  umount "$ROOT" 2>/dev/null || umount -l "$ROOT" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/upper" "$WORK/work" "$ROOT" "$RESULTS"

# This machine's root, writable for the container only.
mount -t overlay overlay -o "lowerdir=/,upperdir=$WORK/upper,workdir=$WORK/work" "$ROOT"
# nspawn wants an empty /dev and its own machine id.
rm -rf "$ROOT"/dev/* "$ROOT/etc/machine-id"
# systemd as PID 1 creates these on a host it runs; nspawn bind-mounts them into the container.
inacc=/run/systemd/inaccessible
if [ ! -e $inacc/reg ]; then
  mkdir -p $inacc && touch $inacc/reg && mkdir -p $inacc/dir && mkfifo $inacc/fifo &&
    mknod $inacc/chr c 0 0 && mknod $inacc/blk b 0 0 && chmod 0 $inacc/*
fi

# The service user must reach node and the program (a checkout may live under /root).
p=$(dirname "$PROGRAM")
while [ "$p" != / ]; do chmod o+x "$ROOT$p"; p=$(dirname "$p"); done
# The whole checkout (pnpm's node_modules link into it), as the container sees it. The unit's
# PrivateTmp= gives the service its own /tmp, so a checkout under /tmp (a CI clone) is bound
# read-only at /opt/pptpkit-checkout, and the installed unit's ExecStart= follows it there.
CHECKOUT=$(git -C "$(dirname "$PROGRAM")" rev-parse --show-toplevel 2>/dev/null ||
  (cd "$(dirname "$PROGRAM")/../../.." && pwd))
INSIDE=$CHECKOUT
BIND=()
case "$CHECKOUT" in
  /tmp/* | /var/tmp/*)
    INSIDE=/opt/pptpkit-checkout
    BIND=(--bind-ro="$CHECKOUT:$INSIDE")
    ;;
esac
PROGRAM_INSIDE=$INSIDE${PROGRAM#"$CHECKOUT"}

# pppd's files as Debian lays them out: peers root:dip 2750, chap-secrets root 0600.
mkdir -p "$ROOT/etc/ppp/peers"
chgrp dip "$ROOT/etc/ppp/peers" && chmod 2750 "$ROOT/etc/ppp/peers"
install -m 0640 -g dip "$PEER_FILE" "$ROOT/etc/ppp/peers/lab"
install -m 0600 "$SECRETS_FILE" "$ROOT/etc/ppp/chap-secrets"
install -m 0600 /dev/null "$ROOT/etc/ppp/pap-secrets"
[ -e "$ROOT/etc/ppp/options" ] || printf 'lock\n' >"$ROOT/etc/ppp/options"

# The command a user runs: the unit, the man page, the completion and the user.
node "$PROGRAM" install-service --root "$ROOT" >"$RESULTS/install.txt" 2>&1

units=$ROOT/etc/systemd/system
sed -i "s#$CHECKOUT/#$INSIDE/#" "$units/pptpkit@.service"
# Nothing of this machine's own services: only the tunnel and the probe below. (nftables would
# load this machine's ruleset into the lab's namespace; networkd's wait-online would hold
# network-online.target, which the unit waits for, for two minutes.)
for unit in nftables.service systemd-networkd.service systemd-networkd.socket \
  systemd-networkd-wait-online.service systemd-resolved.service; do
  ln -sf /dev/null "$units/$unit"
done
cat >"$units/pkl-service.target" <<UNIT
[Unit]
Description=pptpkit service lab
Wants=pkl-tun-mode.service pptpkit@lab.service pkl-probe.service
UNIT
# On a host, udev (50-udev-default.rules) makes /dev/net/tun 0666; nspawn's copy is root's 0600.
cat >"$units/pkl-tun-mode.service" <<UNIT
[Unit]
Description=/dev/net/tun as udev leaves it on a host
Before=pptpkit@lab.service
[Service]
Type=oneshot
ExecStart=/bin/chmod 0666 /dev/net/tun
UNIT
cat >"$units/pkl-probe.service" <<UNIT
[Unit]
Description=what a sysadmin looks at, then power off
After=pptpkit@lab.service
[Service]
Type=oneshot
ExecStart=/bin/bash /pkl-probe.sh
UNIT
mkdir -p "$ROOT/pkl-results"
cat >"$ROOT/pkl-probe.sh" <<PROBE
out=/pkl-results
systemctl show pptpkit@lab -p ActiveState -p SubState -p MainPID -p StatusText -p Result -p ExecMainStatus -p NRestarts >\$out/show-up.txt
systemctl status pptpkit@lab --no-pager -l -n 30 >\$out/status.txt 2>&1
pid=\$(systemctl show pptpkit@lab -p MainPID --value)
{ ps -o user=,group=,pid=,args= -p "\$pid"; grep -E '^(Uid|Gid|Groups|Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/\$pid/status; } >\$out/proc.txt 2>&1
ip -4 route show table all >\$out/routes-up.txt
ping -c 3 -W 2 $PING_TARGET >\$out/ping.txt 2>&1; echo "exit \$?" >>\$out/ping.txt
node $PROGRAM_INSIDE status >\$out/cli-status.txt 2>&1
systemctl stop pptpkit@lab
systemctl show pptpkit@lab -p ActiveState -p SubState -p Result -p ExecMainStatus >\$out/show-down.txt
ip -4 route show table all >\$out/routes-down.txt
journalctl -u pptpkit@lab -o json --no-pager >\$out/journal.json 2>&1
systemctl poweroff
PROBE

# The container's root may manage its network namespace (the lab's), as on a host.
# A terminal for the console (nspawn's boot prints nothing through a pipe here); the results
# come back through the bind mount.
timeout 180 script -qfec "systemd-nspawn -D '$ROOT' -M pkl-service -b --link-journal=no --register=no --keep-unit --capability=CAP_NET_ADMIN --network-namespace-path=/run/netns/$NETNS --bind='$RESULTS:/pkl-results' ${BIND[*]} systemd.unit=pkl-service.target" /dev/null >"$RESULTS/boot.log" 2>&1 </dev/null || true
[ -s "$RESULTS/show-down.txt" ] || { echo "boot.sh: the probe did not finish; see $RESULTS/boot.log" >&2; exit 1; }
