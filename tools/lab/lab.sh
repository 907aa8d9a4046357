#!/usr/bin/env bash
# pptpkit interop lab: the real Debian pptpd + pppd in a user-mode-linux guest, a reference
# client (Debian pptp-linux + pppd) in a second guest, all on a bridge inside a network
# namespace that the lab creates. Nothing is configured in the root namespace.
#
#   tools/lab/lab.sh deps      install the Debian packages the lab needs (apt-get)
#   tools/lab/lab.sh build     build the guest image (cached by a hash of the recipe)
#   tools/lab/lab.sh build-stateful  build Debian's pppd patched to ask for stateful MPPE
#                              (cached; used by the reference client when PKL_MPPE_STATEFUL=1)
#   tools/lab/lab.sh start     build if needed, create the namespace, boot the pptpd guest
#   tools/lab/lab.sh client    run one reference-client session (connect, ping, disconnect)
#   tools/lab/lab.sh capture F run a client session while tcpdump writes the bridge to F
#   tools/lab/lab.sh restart-server  reboot the pptpd guest (same settings, same namespace)
#   tools/lab/lab.sh server-exec CMD  run the shell command CMD inside the pptpd guest
#   tools/lab/lab.sh faults    put the wire faults of PKL_NETEM / PKL_UP_LOSS in place (none set:
#                              take them all away); they last until changed or the lab stops
#   tools/lab/lab.sh status    what is running
#   tools/lab/lab.sh stop      kill what start/client started, remove namespace and devices
#   tools/lab/lab.sh env       print the lab's addresses and credentials as shell variables
#   tools/lab/lab.sh exec CMD  run CMD inside the lab namespace (e.g. the client under test)
#
# Settings (environment, read by start/client): PKL_USER, PKL_PASSWORD,
# PKL_AUTH (mschap-v2|mschap|chap|pap|eap; eap: the server says require-eap, which Debian 12's
# pppd 2.4.9 runs as EAP-MD5, so it needs PKL_MPPE=none), PKL_MPPE (128|40|none), PKL_MPPE_STATEFUL (0|1),
# PKL_LOCAL_IP, PKL_REMOTE_IP (pptpd localip/remoteip), PKL_DNS (space-separated ms-dns
# addresses the server offers), PKL_PING_COUNT, PKL_HOLD_SECONDS,
# PKL_IPERF_SECONDS, PKL_IPERF_JSON=1 (client only: iperf3 -J), PKL_CLIENT_PASSWORD (client
# only: try another password), PKL_LOSS=1 (client only: drop one outgoing packet after the
# pings, then ping again),
# PKL_SERVER_ADDR (client only: the PPTP server it calls, default the pptpd guest 10.77.0.10),
# PKL_CLIENT_AUTH, PKL_CLIENT_MPPE, PKL_CLIENT_MPPE_STATEFUL (client only: its own auth/MPPE,
# default the pptpd guest's), PKL_CLIENT_PING_TARGET (client only: what it pings through the
# tunnel, default the pptpd guest's localip), PKL_CLIENT_TARGET (client only: the host of its
# TCP echo :7, iperf3 and transfers through the tunnel, default 10.78.0.1 behind the pptpd guest),
# PKL_TRANSFER_DOWN / PKL_TRANSFER_UP (client only: files; the guest reads TCP 19 of the target
# and compares it byte for byte with the first, and sends the second to TCP 9 of the target),
# PKL_TRANSFER_TIMEOUT (client only: seconds per transfer, default 120),
# PKL_NETEM (faults: netem arguments for everything the server guest sends, e.g. "loss 3%" or
# "loss 3% delay 2ms reorder 25% duplicate 1%"), PKL_UP_LOSS (faults: percent of the GRE packets
# the clients send that is dropped at random, 0-100, e.g. 3 or 0.5),
# PKL_CACHE (guest cache), PKL_RUN (run directory), PKL_INSTANCE (another lab beside the
# default one: namespace pkl-<instance>).
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${PKL_CACHE:-/var/cache/pptpkit-lab}
# Independent labs side by side: PKL_INSTANCE=x uses namespace pkl-x and /run/pptpkit-lab-x
# (devices and addresses are the same inside each namespace). The default is pkl-lab.
INSTANCE=${PKL_INSTANCE:-lab}
case $INSTANCE in *[!a-z0-9]* | "" | ?????????*) echo "lab: PKL_INSTANCE must be 1-8 of [a-z0-9]" >&2 && exit 1 ;; esac
if [ "$INSTANCE" = lab ]; then RUN=${PKL_RUN:-/run/pptpkit-lab}; else RUN=${PKL_RUN:-/run/pptpkit-lab-$INSTANCE}; fi
# The Debian mirror this machine's apt uses (the first non-security URI of its sources), unless
# PKL_MIRROR names one: no host name is written into the lab.
apt_mirror() {
  local uri
  uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' | grep -v security | head -n 1)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list 2>/dev/null)
  echo "$uri"
}
MIRROR=${PKL_MIRROR:-$(apt_mirror)}
SUITE=bookworm
UML=${PKL_UML:-/usr/bin/linux.uml}
UML_MODULES=/usr/lib/uml/modules

NS=pkl-$INSTANCE
BR=pklbr0
TAP_SRV=pkltap0
TAP_CLI=pkltap1
PREFIX=24
HOST_IP=10.77.0.1
SRV_IP=10.77.0.10
CLI_IP=10.77.0.20
SRV_MAC=02:50:4b:4c:00:10
CLI_MAC=02:50:4b:4c:00:20
TARGET_IP=10.78.0.1

PKL_USER=${PKL_USER:-pptpkit}
PKL_PASSWORD=${PKL_PASSWORD:-golden-Passw0rd}
PKL_AUTH=${PKL_AUTH:-mschap-v2}
PKL_MPPE=${PKL_MPPE:-128}
PKL_MPPE_STATEFUL=${PKL_MPPE_STATEFUL:-0}
PKL_LOCAL_IP=${PKL_LOCAL_IP:-192.168.77.1}
PKL_REMOTE_IP=${PKL_REMOTE_IP:-192.168.77.10-19}
PKL_PING_COUNT=${PKL_PING_COUNT:-3}
PKL_HOLD_SECONDS=${PKL_HOLD_SECONDS:-0}
PKL_IPERF_SECONDS=${PKL_IPERF_SECONDS:-0}
PKL_IPERF_JSON=${PKL_IPERF_JSON:-0}
PKL_LOSS=${PKL_LOSS:-0}
PKL_DNS=${PKL_DNS:-}
# 1: the pptpd guest's pppd negotiates IPv6CP (+ipv6).
PKL_IPV6=${PKL_IPV6:-0}
# Client only (cmd_client): another PPTP server than the pptpd guest, what the client reaches
# through the tunnel, and the files it transfers.
SERVER_ADDR=${PKL_SERVER_ADDR:-$SRV_IP}
CLIENT_TARGET=${PKL_CLIENT_TARGET:-$TARGET_IP}
PKL_TRANSFER_DOWN=${PKL_TRANSFER_DOWN:-}
PKL_TRANSFER_UP=${PKL_TRANSFER_UP:-}
PKL_TRANSFER_TIMEOUT=${PKL_TRANSFER_TIMEOUT:-120}

say() { echo "lab: $*" >&2; }
die() {
  echo "lab: error: $*" >&2
  exit 1
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

need_root() {
  [ "$(id -u)" = 0 ] || die "must run as root: the lab creates a network namespace, a bridge and TAP devices (try: sudo $0 $*)"
}

# need_cmd <command> <debian package>...: fail with the apt-get line that fixes it.
need_cmds() {
  local missing=() cmd pkg
  while [ $# -gt 0 ]; do
    cmd=$1 pkg=$2
    shift 2
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing packages: ${missing[*]} (install with: apt-get install -y ${missing[*]}, or: $0 deps)"
}

uml_version() {
  local v
  v=$(find "$UML_MODULES" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort | tail -n 1)
  [ -n "$v" ] || die "no UML modules under $UML_MODULES (apt-get install -y user-mode-linux)"
  echo "$v"
}

base_key() { { cat "$LAB_DIR/guest/packages.txt"; echo "$SUITE minbase"; } | sha256sum | cut -c1-16; }
guest_key() {
  { base_key; cat "$LAB_DIR/guest/init" "$LAB_DIR/guest/trim.sh"; uml_version; echo "modules: $GUEST_MODULES"; } |
    sha256sum | cut -c1-16
}
GUEST_MODULES="slhc crc-ccitt ppp_generic ppp_async ppp_synctty libarc4 ppp_mppe ipv6 dummy sch_netem"

image_path() { echo "$CACHE/guest-$(guest_key)/initramfs.cpio"; }

cmd_deps() {
  need_root deps
  # iputils-ping: the interop tests ping through tunnels from the lab's namespace.
  # iperf3: `pnpm bench` (apps/client) measures pptpkit's tunnel from the lab's namespace.
  # nftables: `lab.sh faults` drops a share of the clients' GRE in the lab's namespace.
  # systemd-container: the service test boots a real systemd (systemd-nspawn) in the namespace.
  local pkgs="user-mode-linux debootstrap iproute2 tcpdump cpio iputils-ping iperf3 nftables systemd-container"
  # shellcheck disable=SC2086
  if dpkg-query -W -f='${Status}\n' $pkgs 2>/dev/null | grep -vq 'install ok installed' ||
    [ "$(dpkg-query -W -f='${Status}\n' $pkgs 2>/dev/null | wc -l)" -ne 9 ]; then
    apt-get update -q
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $pkgs
  else
    say "packages present: $pkgs"
  fi
}

cmd_build() {
  need_root build
  need_cmds "$UML" user-mode-linux debootstrap debootstrap cpio cpio ip iproute2
  local t0 image base packages
  t0=$(now)
  image=$(image_path)
  if [ -f "$image" ]; then
    say "guest image cached: $image"
    return 0
  fi
  base="$CACHE/base-$(base_key)"
  mkdir -p "$CACHE"
  exec 9>"$CACHE/build.lock"
  flock 9
  # Another lab may have built it while we waited for the lock.
  [ -f "$image" ] && return 0
  if [ ! -f "$base/complete" ]; then
    packages=$(grep -v '^#' "$LAB_DIR/guest/packages.txt" | grep -v '^$' | paste -sd, -)
    [ -n "$MIRROR" ] || die "no Debian mirror found in this machine's apt sources: set PKL_MIRROR"
    say "debootstrap $SUITE ($packages) from $MIRROR into $base (a few minutes)"
    rm -rf "$base"
    mkdir -p "$base"
    debootstrap --variant=minbase --include="$packages" "$SUITE" "$base/root" "$MIRROR" >"$base/debootstrap.log" 2>&1 ||
      die "debootstrap failed, see $base/debootstrap.log"
    touch "$base/complete"
  fi
  local dir stage kver
  dir=$(dirname "$image")
  stage="$dir/stage"
  kver=$(uml_version)
  rm -rf "$dir"
  mkdir -p "$dir"
  say "staging guest root in $stage"
  cp -a "$base/root" "$stage"
  sh "$LAB_DIR/guest/trim.sh" "$stage"
  # Only the modules the guest loads, plus the module index files, so modprobe resolves them.
  mkdir -p "$stage/lib/modules/$kver"
  local m path
  for m in $GUEST_MODULES; do
    path=$(grep -E "(^|/)${m//-/[-_]}\.ko:" "$UML_MODULES/$kver/modules.dep" | cut -d: -f1)
    [ -n "$path" ] || die "module $m not found for UML $kver"
    mkdir -p "$stage/lib/modules/$kver/$(dirname "$path")"
    cp "$UML_MODULES/$kver/$path" "$stage/lib/modules/$kver/$path"
  done
  cp "$UML_MODULES/$kver"/modules.{order,builtin,builtin.modinfo} "$stage/lib/modules/$kver/"
  chroot "$stage" /sbin/depmod -a "$kver"
  install -m 0755 "$LAB_DIR/guest/init" "$stage/init"
  # The initramfs unpacker does not create parent directories: find lists parents first.
  (cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) >"$image.tmp"
  mv "$image.tmp" "$image"
  rm -rf "$stage"
  say "guest image built in $(elapsed "$t0") s: $image ($(du -h "$image" | cut -f1))"
  # Images of other recipes go once no lab booted them for a day (boot_guest touches the one
  # it boots): labs of other checkouts with another recipe may be running beside this one.
  find "$CACHE" -mindepth 1 -maxdepth 1 -name 'guest-*' ! -path "$dir" -mmin +1440 -exec rm -rf {} +
}

stateful_key() { { base_key; cat "$LAB_DIR/guest/pppd-mppe-stateful.patch"; echo "ppp source $SUITE"; } | sha256sum | cut -c1-16; }
stateful_pppd_path() { echo "$CACHE/pppd-stateful-$(stateful_key)/pppd"; }

# Debian's pppd 2.4.9 (apt-get source ppp) with guest/pppd-mppe-stateful.patch, so that a
# reference client with mppe-stateful asks for stateful MPPE in both directions. Built in a
# separate debootstrapped chroot (no compiler lands in the guest), cached like the guest image.
cmd_build_stateful() {
  need_root build-stateful
  need_cmds debootstrap debootstrap unshare util-linux
  local out dir chroot t0
  out=$(stateful_pppd_path)
  if [ -x "$out" ]; then
    say "patched pppd cached: $out"
    return 0
  fi
  t0=$(now)
  dir=$(dirname "$out")
  chroot="$CACHE/pppd-build/root"
  mkdir -p "$CACHE"
  exec 8>"$CACHE/build-stateful.lock"
  flock 8
  [ -x "$out" ] && return 0
  if [ ! -f "$CACHE/pppd-build/complete" ]; then
    say "debootstrap a build chroot ($SUITE + build-essential) into $CACHE/pppd-build"
    [ -n "$MIRROR" ] || die "no Debian mirror found in this machine's apt sources: set PKL_MIRROR"
    rm -rf "$CACHE/pppd-build"
    mkdir -p "$CACHE/pppd-build"
    debootstrap --variant=minbase --include=build-essential,dpkg-dev "$SUITE" "$chroot" "$MIRROR" \
      >"$CACHE/pppd-build/debootstrap.log" 2>&1 || die "debootstrap failed, see $CACHE/pppd-build/debootstrap.log"
    printf 'deb %s %s main\ndeb-src %s %s main\n' "$MIRROR" "$SUITE" "$MIRROR" "$SUITE" >"$chroot/etc/apt/sources.list"
    touch "$CACHE/pppd-build/complete"
  fi
  rm -rf "$chroot/src"
  mkdir -p "$chroot/src"
  cp "$LAB_DIR/guest/pppd-mppe-stateful.patch" "$chroot/src/"
  say "building Debian's pppd with the MPPE stateful patch (log: $CACHE/pppd-build/build.log)"
  # A private mount namespace: /proc is mounted for the chroot only.
  unshare -m sh -c "mount -t proc proc '$chroot/proc' && chroot '$chroot' sh -ec '
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get build-dep -y -q ppp
    cd /src
    apt-get source -q ppp
    cd ppp-2.4.9
    patch -p1 < /src/pppd-mppe-stateful.patch
    ./configure --prefix=/usr
    make -C pppd -j2
  '" >"$CACHE/pppd-build/build.log" 2>&1 || die "pppd build failed, see $CACHE/pppd-build/build.log"
  rm -rf "$dir"
  mkdir -p "$dir"
  install -m 0755 "$chroot/src/ppp-2.4.9/pppd/pppd" "$out"
  rm -rf "$chroot/src"
  say "patched pppd built in $(elapsed "$t0") s: $out"
}

netns_up() {
  ip netns list | grep -qw "$NS" && return 0
  ip netns add "$NS"
  # IPv6 off (the client under test must not use the host's), unless the lab runs IPv6CP.
  [ "$PKL_IPV6" = 1 ] ||
    ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$NS" link set lo up
  ip -n "$NS" link add "$BR" type bridge
  ip -n "$NS" addr add "$HOST_IP/$PREFIX" dev "$BR"
  ip -n "$NS" link set "$BR" up
  local tap
  for tap in "$TAP_SRV" "$TAP_CLI"; do
    ip -n "$NS" tuntap add dev "$tap" mode tap
    ip -n "$NS" link set "$tap" master "$BR"
    ip -n "$NS" link set "$tap" up
  done
}

# write_guest_env <dir> <role> <guest ip>: the server guest gets the target behind it, the client
# guest the server it calls and what it reaches through the tunnel.
write_guest_env() {
  local server=$SRV_IP target=$TARGET_IP ping=$PKL_LOCAL_IP
  if [ "$2" = client ]; then
    server=$SERVER_ADDR target=$CLIENT_TARGET ping=${PKL_CLIENT_PING_TARGET:-$PKL_LOCAL_IP}
  fi
  cat >"$1/guest.env" <<EOF
PKL_ROLE=$2
PKL_GUEST_IP=$3
PKL_PREFIX=$PREFIX
PKL_SERVER_IP=$server
PKL_TARGET_IP=$target
PKL_PING_TARGET=$ping
PKL_PING_COUNT=$PKL_PING_COUNT
PKL_ECHO=1
PKL_HOLD_SECONDS=$PKL_HOLD_SECONDS
PKL_IPERF_SECONDS=$PKL_IPERF_SECONDS
PKL_IPERF_JSON=$PKL_IPERF_JSON
PKL_LOSS=$PKL_LOSS
PKL_TRANSFER_TIMEOUT=$PKL_TRANSFER_TIMEOUT
EOF
}

# pppd options for the chosen authentication and MPPE (the same on both ends).
ppp_auth_options() {
  local side=$1 all="pap chap mschap mschap-v2 eap" a
  for a in $all; do
    [ "$a" = "$PKL_AUTH" ] || echo "refuse-$a"
  done
  [ "$side" = server ] && echo "require-$PKL_AUTH"
  case $PKL_MPPE in
  128) echo require-mppe-128 ;;
  40) echo require-mppe-40 ;;
  none) echo nomppe ;;
  esac
  [ "$PKL_MPPE_STATEFUL" = 1 ] && echo mppe-stateful
  return 0
}

# check_settings [prefix]: PKL_AUTH, PKL_MPPE, PKL_MPPE_STATEFUL; messages name them <prefix>AUTH...
check_settings() {
  local p=${1:-PKL_}
  case $PKL_AUTH in mschap-v2 | mschap | chap | pap | eap) ;; *) die "${p}AUTH must be mschap-v2, mschap, chap, pap or eap" ;; esac
  case $PKL_MPPE in 128 | 40 | none) ;; *) die "${p}MPPE must be 128, 40 or none" ;; esac
  case $PKL_MPPE_STATEFUL in 0 | 1) ;; *) die "${p}MPPE_STATEFUL must be 0 or 1" ;; esac
  if [ "$PKL_MPPE" != none ] && [ "${PKL_AUTH#mschap}" = "$PKL_AUTH" ]; then
    die "MPPE needs MS-CHAP keys: use ${p}AUTH=mschap-v2 or mschap, or ${p}MPPE=none"
  fi
}

secrets() {
  printf '"%s" pptpd "%s" *\n' "$PKL_USER" "$PKL_PASSWORD"
}

write_server_config() {
  local d=$1
  mkdir -p "$d/etc/ppp"
  cat >"$d/etc/pptpd.conf" <<EOF
option /etc/ppp/pptpd-options
localip $PKL_LOCAL_IP
remoteip $PKL_REMOTE_IP
EOF
  # Debian's stock /etc/ppp/pptpd-options, with the auth/MPPE lines from the lab settings.
  {
    echo "name pptpd"
    ppp_auth_options server
    for dns in $PKL_DNS; do echo "ms-dns $dns"; done
    [ "$PKL_IPV6" = 1 ] && echo "+ipv6"
    printf '%s\n' proxyarp nodefaultroute lock nobsdcomp novj novjccomp nologfd debug "logfile /lab/pppd.log"
  } >"$d/etc/ppp/pptpd-options"
  secrets >"$d/etc/ppp/chap-secrets"
  secrets >"$d/etc/ppp/pap-secrets"
  chmod 600 "$d/etc/ppp/chap-secrets" "$d/etc/ppp/pap-secrets"
  cat >"$d/settings" <<EOF
PKL_USER=$PKL_USER
PKL_PASSWORD=$PKL_PASSWORD
PKL_AUTH=$PKL_AUTH
PKL_MPPE=$PKL_MPPE
PKL_MPPE_STATEFUL=$PKL_MPPE_STATEFUL
PKL_LOCAL_IP=$PKL_LOCAL_IP
PKL_REMOTE_IP=$PKL_REMOTE_IP
PKL_DNS="$PKL_DNS"
PKL_IPV6=$PKL_IPV6
EOF
}

write_client_config() {
  local d=$1
  mkdir -p "$d/etc/ppp/peers"
  {
    echo "pty \"pptp $SERVER_ADDR --nolaunchpppd --loglevel 1\""
    echo "name $PKL_USER"
    echo "remotename pptpd"
    ppp_auth_options client
    printf '%s\n' "linkname lab" "ipparam lab" noauth nodefaultroute nobsdcomp nodeflate novj novjccomp \
      debug "logfile /lab/pppd.log"
  } >"$d/etc/ppp/peers/lab"
  mkdir -p "$d/etc/ppp/ip-up.d"
  # The guest's uptime when IPCP is up: the guest's init times the connect with it.
  printf '#!/bin/sh\ncat /proc/uptime >/run/pkl-ip-up\n' >"$d/etc/ppp/ip-up.d/0pkl-lab"
  chmod 755 "$d/etc/ppp/ip-up.d/0pkl-lab"
  secrets >"$d/etc/ppp/chap-secrets"
  secrets >"$d/etc/ppp/pap-secrets"
  chmod 600 "$d/etc/ppp/chap-secrets" "$d/etc/ppp/pap-secrets"
}

# boot_guest <name> <tap> <mac> <mem>: starts a UML guest in the namespace, in its own session.
boot_guest() {
  local name=$1 tap=$2 mac=$3 mem=$4 d="$RUN/$1"
  touch "$(dirname "$(image_path)")"
  # UML keeps guest RAM in a file under TMPDIR; /dev/shm keeps it off the disk.
  TMPDIR=/dev/shm setsid ip netns exec "$NS" "$UML" "mem=$mem" "initrd=$(image_path)" \
    "eth0=tuntap,$tap,$mac" con=null ssl=null "con0=null,fd:1" quiet "pkl_dir=$d" \
    </dev/null >"$d/console.log" 2>&1 &
  echo $! >"$d/pid"
}

# wait_state <dir> <seconds> <state>...: waits until the guest's state is one of the given ones.
wait_state() {
  local d=$1 limit=$2 i=0 s
  shift 2
  while [ "$i" -lt $((limit * 10)) ]; do
    s=$(cat "$d/state" 2>/dev/null || true)
    for want in "$@"; do [ "$s" = "$want" ] && return 0; done
    if ! kill -0 "$(cat "$d/pid")" 2>/dev/null; then
      say "guest $(basename "$d") exited; console:"
      tail -n 20 "$d/console.log" >&2 || true
      return 1
    fi
    sleep 0.1
    i=$((i + 1))
  done
  say "timeout after ${limit}s waiting for $(basename "$d") to be $* (state: ${s:-none})"
  return 1
}

# kill_guest <dir>: the guest's session (UML's helper processes included), nothing else.
kill_guest() {
  local d=$1 pid i
  [ -f "$d/pid" ] || return 0
  pid=$(cat "$d/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for i in $(seq 1 30); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    for i in $(seq 1 30); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$d/pid"
}

cmd_start() {
  need_root start
  need_cmds "$UML" user-mode-linux ip iproute2 setsid util-linux
  check_settings
  if [ -f "$RUN/server/pid" ] && kill -0 "$(cat "$RUN/server/pid")" 2>/dev/null; then
    die "the lab is already running (tools/lab/lab.sh stop first)"
  fi
  if ip netns list | grep -qw "$NS"; then
    say "a stale lab namespace exists (an earlier run did not stop): cleaning it first"
    cmd_stop
  fi
  cmd_build
  local t0
  t0=$(now)
  mkdir -p "$RUN"
  rm -rf "$RUN/server"
  mkdir -p "$RUN/server"
  netns_up
  write_guest_env "$RUN/server" server "$SRV_IP"
  write_server_config "$RUN/server"
  boot_guest server "$TAP_SRV" "$SRV_MAC" 384M
  if ! wait_state "$RUN/server" 60 ready; then
    cmd_stop
    die "the pptpd guest did not come up"
  fi
  say "pptpd listening on $SRV_IP:1723 in namespace $NS after $(elapsed "$t0") s (auth $PKL_AUTH, MPPE $PKL_MPPE$([ "$PKL_MPPE_STATEFUL" = 1 ] && echo ' stateful'))"
  say "user '$PKL_USER', password '$PKL_PASSWORD'; tunnel $PKL_LOCAL_IP <-> $PKL_REMOTE_IP; target $TARGET_IP (ping, TCP echo :7, iperf3 -s)"
}

# A server reboot as a client meets it: the guest is killed (no FIN, no Terminate: its TCP and
# PPP state vanish) and booted again with the same settings, on the same bridge and address.
cmd_restart_server() {
  need_root restart-server
  load_server_settings
  local t0
  t0=$(now)
  kill_guest "$RUN/server"
  rm -f "$RUN/server/state" "$RUN/server/cmd" "$RUN/server/cmd.rc" "$RUN/server/cmd.out"
  boot_guest server "$TAP_SRV" "$SRV_MAC" 384M
  wait_state "$RUN/server" 60 ready || die "the pptpd guest did not come back"
  say "pptpd guest rebooted in $(elapsed "$t0") s"
}

# server-exec CMD: runs CMD with sh inside the pptpd guest (the guest polls for it), prints its
# output and exits with its status.
cmd_server_exec() {
  need_root server-exec
  [ $# -gt 0 ] || die "usage: lab.sh server-exec <shell command>"
  load_server_settings
  local d="$RUN/server" i=0
  rm -f "$d/cmd.rc" "$d/cmd.out"
  printf '%s\n' "$*" >"$d/cmd.tmp" && mv "$d/cmd.tmp" "$d/cmd"
  while [ ! -f "$d/cmd.rc" ] && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
  [ -f "$d/cmd.rc" ] || die "the pptpd guest did not run the command within 30 s"
  cat "$d/cmd.out"
  return "$(cat "$d/cmd.rc")"
}

# faults: the server guest's egress gets `tc qdisc ... netem $PKL_NETEM` (the host kernel has no
# netem; the guest's has), toward both clients; the clients' GRE is dropped at random in the
# lab's namespace: pptpkit's on output, the reference guest's on the bridge.
cmd_faults() {
  need_root faults
  need_cmds nft nftables
  ip netns list | grep -qw "$NS" || die "the lab is not running (tools/lab/lab.sh start)"
  local netem=${PKL_NETEM:-} up=${PKL_UP_LOSS:-0} permille
  case $netem in *[!a-z0-9%.\ ]*) die "PKL_NETEM: netem arguments only (letters, digits, '%', '.', spaces), got '$netem'" ;; esac
  [[ $up =~ ^(100|[0-9]{1,2})(\.[0-9])?$ ]] || die "PKL_UP_LOSS must be a percentage 0-100 with at most one decimal, got '$up'"
  permille=$(awk -v p="$up" 'BEGIN { printf "%d", p * 10 + 0.5 }')
  if [ -n "$netem" ]; then
    cmd_server_exec "tc qdisc replace dev eth0 root netem $netem" >/dev/null ||
      die "the pptpd guest refused: tc qdisc replace dev eth0 root netem $netem"
  else
    cmd_server_exec "tc qdisc del dev eth0 root 2>/dev/null; true" >/dev/null
  fi
  ip netns exec "$NS" nft delete table inet pkl_faults 2>/dev/null || true
  ip netns exec "$NS" nft delete table bridge pkl_faults 2>/dev/null || true
  if [ "$permille" -gt 0 ]; then
    ip netns exec "$NS" nft -f - <<EOF
table inet pkl_faults {
  chain client_out { type filter hook output priority 0; ip protocol gre numgen random mod 1000 < $permille counter drop; }
}
table bridge pkl_faults {
  chain client_guest { type filter hook forward priority 0; ether saddr $CLI_MAC ip protocol gre numgen random mod 1000 < $permille counter drop; }
}
EOF
  fi
  say "faults: server → clients: ${netem:-none}; clients' GRE dropped: ${up} %"
}

# The client uses the server's settings so both ends agree.
load_server_settings() {
  [ -f "$RUN/server/settings" ] || die "the lab is not running (tools/lab/lab.sh start)"
  # shellcheck disable=SC1091
  . "$RUN/server/settings"
}

cmd_client() {
  need_root client
  local client_password=${PKL_CLIENT_PASSWORD:-} auth=${PKL_CLIENT_AUTH:-} mppe=${PKL_CLIENT_MPPE:-}
  local stateful=${PKL_CLIENT_MPPE_STATEFUL:-}
  load_server_settings
  [ -n "$client_password" ] && PKL_PASSWORD=$client_password
  # The client follows the pptpd guest's settings unless told otherwise (another server).
  [ -n "$auth" ] && PKL_AUTH=$auth
  [ -n "$mppe" ] && PKL_MPPE=$mppe
  [ -n "$stateful" ] && PKL_MPPE_STATEFUL=$stateful
  check_settings PKL_CLIENT_
  [[ $SERVER_ADDR =~ ^[0-9]+(\.[0-9]+){3}$ ]] || die "PKL_SERVER_ADDR must be an IPv4 address, got '$SERVER_ADDR'"
  [[ $CLIENT_TARGET =~ ^[0-9]+(\.[0-9]+){3}$ ]] || die "PKL_CLIENT_TARGET must be an IPv4 address, got '$CLIENT_TARGET'"
  [[ $PKL_TRANSFER_TIMEOUT =~ ^[1-9][0-9]{0,3}$ ]] || die "PKL_TRANSFER_TIMEOUT must be 1-9999 seconds"
  local f
  for f in "$PKL_TRANSFER_DOWN" "$PKL_TRANSFER_UP"; do
    [ -z "$f" ] || [ -f "$f" ] || die "no such transfer file: $f"
  done
  if [ "$SERVER_ADDR" = "$SRV_IP" ]; then
    kill -0 "$(cat "$RUN/server/pid" 2>/dev/null)" 2>/dev/null || die "the pptpd guest is not running"
  fi
  # The guest recipe may have changed since start (a cached image is not rebuilt).
  cmd_build
  local d="$RUN/client" t0 rc=0 limit
  kill_guest "$d"
  rm -rf "$d"
  mkdir -p "$d"
  write_guest_env "$d" client "$CLI_IP"
  write_client_config "$d"
  if [ "$PKL_MPPE_STATEFUL" = 1 ]; then
    # Stock pppd peers always end stateless: the client runs the patched pppd.
    cmd_build_stateful
    install -m 0755 "$(stateful_pppd_path)" "$d/pppd"
  fi
  limit=$((60 + PKL_HOLD_SECONDS + 2 * PKL_IPERF_SECONDS))
  # The guest finds the files in its /lab (hostfs) and bounds each transfer with timeout.
  if [ -n "$PKL_TRANSFER_DOWN" ]; then
    cp "$PKL_TRANSFER_DOWN" "$d/transfer-down.bin"
    limit=$((limit + PKL_TRANSFER_TIMEOUT))
  fi
  if [ -n "$PKL_TRANSFER_UP" ]; then
    cp "$PKL_TRANSFER_UP" "$d/transfer-up.bin"
    limit=$((limit + PKL_TRANSFER_TIMEOUT))
  fi
  t0=$(now)
  boot_guest client "$TAP_CLI" "$CLI_MAC" 256M
  if wait_state "$d" 60 up failed && [ "$(cat "$d/state")" = up ]; then
    say "reference client: tunnel up after $(elapsed "$t0") s (boot included), connect $(sed -n 's/^seconds=//p' "$d/connect.txt" 2>/dev/null) s (pppd start to IPCP up)"
    wait_state "$d" "$limit" done failed || rc=1
  else
    rc=1
  fi
  kill_guest "$d"
  grep -hE 'MPPE .* enabled|local  IP|remote IP|CHAP authentication|PAP authentication|Connection terminated' "$d/pppd.log" 2>/dev/null | sed 's/^/  pppd: /' >&2 || true
  grep -hE 'packets transmitted' "$d/ping.txt" 2>/dev/null | sed 's/^/  ping: /' >&2 || true
  check_transfers "$d" || rc=1
  if [ "$rc" = 0 ] && [ "$(cat "$d/ping.rc" 2>/dev/null)" = 0 ]; then
    say "reference client session complete in $(elapsed "$t0") s"
  else
    say "reference client session FAILED (logs in $d)"
    return 1
  fi
}

# check_transfers <client dir>: the guest's transfer results (transfer.txt). Down: the guest
# compared what TCP 19 sent with the file (cmp). Up: TCP 9 answered `sha256sum` of what it got,
# compared here with the file's hash.
check_transfers() {
  local d=$1 ok=0 want got
  [ -f "$d/transfer-down.bin" ] || [ -f "$d/transfer-up.bin" ] || return 0
  sed 's/^/  transfer: /' "$d/transfer.txt" >&2 2>/dev/null || true
  if [ -f "$d/transfer-down.bin" ] && ! grep -qx 'down_rc=0' "$d/transfer.txt" 2>/dev/null; then
    say "download differs from $PKL_TRANSFER_DOWN: $(cat "$d/transfer-down.txt" 2>/dev/null)"
    ok=1
  fi
  if [ -f "$d/transfer-up.bin" ]; then
    want=$(sha256sum <"$d/transfer-up.bin" | cut -d' ' -f1)
    got=$(sed -n 's/^up_reply=//p' "$d/transfer.txt" 2>/dev/null | cut -d' ' -f1)
    if [ "$got" != "$want" ]; then
      say "upload: the target's SHA-256 '${got}' is not the file's ($want)"
      ok=1
    fi
  fi
  return "$ok"
}

cmd_capture() {
  need_root capture
  need_cmds tcpdump tcpdump
  local out=${1:?usage: lab.sh capture <file.pcap>} pid rc=0 i
  out=$(realpath -m "$out")
  mkdir -p "$(dirname "$out")"
  ip netns exec "$NS" tcpdump -i "$BR" -U -s 0 -w "$out" "host $SERVER_ADDR and host $CLI_IP and (tcp port 1723 or ip proto 47)" 2>"$RUN/tcpdump.log" &
  pid=$!
  for i in $(seq 1 50); do
    grep -q 'listening on' "$RUN/tcpdump.log" && break
    sleep 0.1
  done
  cmd_client || rc=1
  sleep 0.5
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  say "capture written: $out ($(stat -c %s "$out") bytes)"
  return "$rc"
}

cmd_status() {
  local d running=0
  if ip netns list 2>/dev/null | grep -qw "$NS"; then
    echo "namespace $NS: present"
    ip -n "$NS" -br addr show 2>/dev/null | sed 's/^/  /'
  else
    echo "namespace $NS: absent"
  fi
  for d in server client; do
    if [ -f "$RUN/$d/pid" ] && kill -0 "$(cat "$RUN/$d/pid")" 2>/dev/null; then
      echo "$d guest: running (pid $(cat "$RUN/$d/pid"), state $(cat "$RUN/$d/state" 2>/dev/null || echo none))"
      running=1
    else
      echo "$d guest: not running"
    fi
  done
  if [ -f "$RUN/server/settings" ] && [ "$running" = 1 ]; then sed 's/^/  /' "$RUN/server/settings"; fi
  echo "guest image: $( [ -f "$(image_path 2>/dev/null)" ] && image_path || echo 'not built')"
}

cmd_stop() {
  need_root stop
  kill_guest "$RUN/client"
  kill_guest "$RUN/server"
  if ip netns list | grep -qw "$NS"; then
    local dev
    for dev in "$TAP_SRV" "$TAP_CLI" "$BR"; do ip -n "$NS" link del "$dev" 2>/dev/null || true; done
    ip netns del "$NS"
  fi
  say "stopped (namespace $NS removed, guests killed)"
}

cmd_env() {
  cat <<EOF
PKL_NETNS=$NS
PKL_BRIDGE=$BR
PKL_HOST_IP=$HOST_IP
PKL_SERVER_IP=$SRV_IP
PKL_TARGET_IP=$TARGET_IP
PKL_RUN=$RUN
EOF
  if [ -f "$RUN/server/settings" ]; then cat "$RUN/server/settings"; fi
}

case ${1:-} in
deps) cmd_deps ;;
build) cmd_build ;;
build-stateful) cmd_build_stateful ;;
start) cmd_start ;;
client) cmd_client ;;
capture) cmd_capture "${2:-}" ;;
restart-server) cmd_restart_server ;;
server-exec)
  shift
  cmd_server_exec "$@"
  ;;
faults) cmd_faults ;;
status) cmd_status ;;
stop) cmd_stop ;;
env) cmd_env ;;
exec)
  need_root exec
  shift
  [ $# -gt 0 ] || die "usage: lab.sh exec <command> [args...]"
  ip netns list | grep -qw "$NS" || die "the lab is not running (tools/lab/lab.sh start)"
  exec ip netns exec "$NS" "$@"
  ;;
*)
  sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
