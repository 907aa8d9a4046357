#!/usr/bin/env bash
# Records the golden captures in fixtures/golden/: for each configuration, a fresh lab (pptpd
# guest), then one reference-client session (connect, 3 pings, a TCP echo, disconnect) while
# tcpdump writes the bridge inside the lab namespace; then the JSON extraction of each pcap.
# Usage (root): tools/lab/capture-golden.sh [name...]   (default: all configurations)
set -euo pipefail
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$LAB_DIR/../.." && pwd)
OUT="$ROOT/fixtures/golden"

# name -> lab settings (the known user and password are lab.sh's defaults).
declare -A CONFIGS=(
  [mschapv2-mppe128-stateless]="PKL_AUTH=mschap-v2 PKL_MPPE=128 PKL_MPPE_STATEFUL=0"
  [mschapv2-mppe40-stateless]="PKL_AUTH=mschap-v2 PKL_MPPE=40 PKL_MPPE_STATEFUL=0"
  [mschapv2-mppe128-stateful]="PKL_AUTH=mschap-v2 PKL_MPPE=128 PKL_MPPE_STATEFUL=1"
  [mschapv2-wrong-password]="PKL_AUTH=mschap-v2 PKL_MPPE=128 PKL_MPPE_STATEFUL=0 PKL_CLIENT_PASSWORD=not-the-password"
  [mschapv1-mppe128-stateless]="PKL_AUTH=mschap PKL_MPPE=128 PKL_MPPE_STATEFUL=0"
  [chap-md5-nomppe]="PKL_AUTH=chap PKL_MPPE=none PKL_MPPE_STATEFUL=0"
  [pap-nomppe]="PKL_AUTH=pap PKL_MPPE=none PKL_MPPE_STATEFUL=0"
  [mschapv2-mppe128-stateful-loss]="PKL_AUTH=mschap-v2 PKL_MPPE=128 PKL_MPPE_STATEFUL=1 PKL_LOSS=1"
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(mschapv2-mppe128-stateless mschapv2-mppe40-stateless mschapv2-mppe128-stateful
  mschapv2-wrong-password mschapv1-mppe128-stateless chap-md5-nomppe pap-nomppe
  mschapv2-mppe128-stateful-loss)

# A lab instance of its own, so that a `pnpm test:interop` running meanwhile is not disturbed.
export PKL_INSTANCE=${PKL_INSTANCE:-golden}
RUN=/run/pptpkit-lab-$PKL_INSTANCE
mkdir -p "$OUT"
for name in "${names[@]}"; do
  settings=${CONFIGS[$name]:?unknown capture $name}
  echo "== $name ($settings)"
  bash "$LAB_DIR/lab.sh" stop
  env $settings bash "$LAB_DIR/lab.sh" start
  if [[ $name == *wrong-password ]]; then
    # The session is meant to fail: pptpd answers the response with an MS-CHAPv2 Failure.
    if env $settings bash "$LAB_DIR/lab.sh" capture "$OUT/$name.pcap"; then
      echo "capture-golden: $name: the session was expected to fail" >&2
      exit 1
    fi
  else
    env $settings bash "$LAB_DIR/lab.sh" capture "$OUT/$name.pcap"
  fi
  chown "$(id -u):$(id -g)" "$OUT/$name.pcap"
  mkdir -p "$OUT/logs"
  # The pppd debug logs of both ends, for the README and for reading the capture.
  sed 's/[[:space:]]*$//' "$RUN/server/pppd.log" >"$OUT/logs/$name.server-pppd.log"
  sed 's/[[:space:]]*$//' "$RUN/client/pppd.log" >"$OUT/logs/$name.client-pppd.log"
  (cd "$ROOT" && pnpm exec tsx tools/lab/pcap-to-json.ts "fixtures/golden/$name.pcap" "fixtures/golden/$name.json" $settings)
done
bash "$LAB_DIR/lab.sh" stop
