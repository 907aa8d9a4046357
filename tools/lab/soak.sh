#!/usr/bin/env bash
# Soak: pptpkit under the lab's combined faults, RUNS runs of SECONDS each per MPPE mode
# (stateless, stateful): each run brings a tunnel up from source, turns on 3 % loss each way,
# 2 ms delay, 25 % reordering and 1 % duplication, runs iperf3 both ways at once for SECONDS,
# then checks the tunnel never went down or renegotiated and still answers a ping. Prints
# one line per run and the deaths per mode. Its own lab instance (PKL_INSTANCE=soak), stopped
# at the end. As root:   tools/lab/soak.sh [RUNS] [SECONDS]   (default 20 runs of 30 s)
set -uo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-20}
SECONDS_EACH=${2:-30}
export PKL_INSTANCE=soak
NS=pkl-soak
LAB="bash tools/lab/lab.sh"
work=$(mktemp -d)
client=
cleanup() {
  if [ -n "$client" ]; then kill -INT "$client" 2>/dev/null; wait "$client" 2>/dev/null; fi
  $LAB stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/peers"
printf 'pptpkit * golden-Passw0rd *\n' >"$work/secrets"
chmod 600 "$work/secrets"
for mode in stateless stateful; do
  deaths=0
  $LAB stop >/dev/null 2>&1
  PKL_MPPE_STATEFUL=$([ $mode = stateful ] && echo 1 || echo 0) $LAB start >"$work/start.log" 2>&1 ||
    { cat "$work/start.log"; exit 1; }
  printf 'pty "pptp 10.77.0.10 --nolaunchpppd"\nname pptpkit\nrequire-mppe-128\ndefaultroute\n%s' \
    "$([ $mode = stateful ] && echo mppe-stateful-prefer)" >"$work/peers/soak"
  for run in $(seq 1 "$RUNS"); do
    $LAB faults >/dev/null 2>&1
    log="$work/client-$mode-$run.log"
    ip netns exec $NS node --import tsx --conditions=@pptpkit/source apps/client/src/cli/run.ts \
      up soak --peers-dir "$work/peers" --secrets "$work/secrets" --log-format json 2>"$log" &
    client=$!
    for _ in $(seq 1 150); do grep -q '"tunnel up"' "$log" && break; sleep 0.2; done
    for _ in $(seq 1 20); do ip netns exec $NS ping -c1 -W1 192.168.77.1 >/dev/null 2>&1 && break; done
    PKL_NETEM='loss 3% delay 2ms reorder 25% duplicate 1%' PKL_UP_LOSS=3 $LAB faults >/dev/null 2>&1
    mbits=$(ip netns exec $NS iperf3 -c 10.78.0.1 -t "$SECONDS_EACH" --bidir -J 2>/dev/null |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s).end;console.log((j.sum_received.bits_per_second/1e6).toFixed(1)+"/"+(j.sum_received_bidir_reverse.bits_per_second/1e6).toFixed(1))}catch{console.log("n/a")}})')
    $LAB faults >/dev/null 2>&1
    ping_ok=$(ip netns exec $NS ping -c 3 -i 0.3 -W 2 -q 192.168.77.1 2>/dev/null | grep -o '[0-9]* received' | cut -d' ' -f1)
    ups=$(grep -c '"tunnel up"' "$log")
    downs=$(grep -cE '"message":"[a-z ]*down"' "$log")
    kill -INT "$client" 2>/dev/null
    wait "$client" 2>/dev/null
    client=
    verdict=alive
    if [ "$ups" != 1 ] || [ "$downs" != 0 ] || [ "${ping_ok:-0}" -lt 1 ]; then
      verdict=DIED
      deaths=$((deaths + 1))
      grep -E '"level":"(warn|error)"' "$log" | head -3
    fi
    echo "soak: $mode run $run: up/down Mbit/s $mbits, ups $ups, downs $downs, pings after ${ping_ok:-0}/3: $verdict"
  done
  echo "soak: $mode: $deaths deaths in $RUNS runs of $SECONDS_EACH s"
done
