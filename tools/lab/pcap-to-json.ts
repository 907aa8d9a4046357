/**
 * Extracts a lab capture (classic pcap, Ethernet link type, written by tcpdump on the lab
 * bridge) into JSON that tests read without a pcap library: the PPTP control connection's TCP
 * payloads and the GRE packets, each with its direction, time and raw bytes in hex.
 *
 * Usage: tsx tools/lab/pcap-to-json.ts <in.pcap> <out.json> [KEY=VALUE settings...]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

/** The lab's fixed addresses (tools/lab/lab.sh). */
const serverIp = '10.77.0.10';
const clientIp = '10.77.0.20';
const user = 'pptpkit';
const password = 'golden-Passw0rd';

type Direction = 'client-to-server' | 'server-to-client';

interface Packet {
  /** Index of the frame in the pcap file, from 0. */
  frame: number;
  dir: Direction;
  /** Seconds since the first frame of the capture. */
  t: number;
  hex: string;
}

interface ControlSegment extends Packet {
  /** TCP sequence number of the first payload byte (relative to the side's SYN). */
  seq: number;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function ipv4(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

function main(): void {
  const [input, output, ...settingArgs] = process.argv.slice(2);
  if (!input || !output) throw new Error('usage: pcap-to-json.ts <in.pcap> <out.json> [K=V...]');
  const file = readFileSync(input);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = view.getUint32(0, true);
  let little: boolean;
  let nanos: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) {
    little = true;
    nanos = magic === 0xa1b23c4d;
  } else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) {
    little = false;
    nanos = magic === 0x4d3cb2a1;
  } else {
    throw new Error(`${input}: not a classic pcap file`);
  }
  const linkType = view.getUint32(20, little);
  if (linkType !== 1) throw new Error(`${input}: link type ${linkType}, expected Ethernet (1)`);

  const control: ControlSegment[] = [];
  const gre: Packet[] = [];
  const isn = new Map<Direction, number>();
  let first: number | undefined;
  let frame = 0;
  for (let at = 24; at + 16 <= file.length; frame++) {
    const seconds = view.getUint32(at, little);
    const fraction = view.getUint32(at + 4, little);
    const captured = view.getUint32(at + 8, little);
    const original = view.getUint32(at + 12, little);
    const data = file.subarray(at + 16, at + 16 + captured);
    at += 16 + captured;
    if (captured !== original) throw new Error(`frame ${frame} truncated (snaplen)`);
    const time = seconds + fraction / (nanos ? 1e9 : 1e6);
    first ??= time;
    const t = Math.round((time - first) * 1e6) / 1e6;
    if (data.readUInt16BE(12) !== 0x0800) continue;
    const ip = data.subarray(14);
    const ihl = (ip[0]! & 0x0f) * 4;
    const total = ip.readUInt16BE(2);
    if ((ip.readUInt16BE(6) & 0x3fff) !== 0) throw new Error(`frame ${frame}: IP fragment`);
    const protocol = ip[9];
    const source = ipv4(ip, 12);
    const destination = ipv4(ip, 16);
    let dir: Direction;
    if (source === clientIp && destination === serverIp) dir = 'client-to-server';
    else if (source === serverIp && destination === clientIp) dir = 'server-to-client';
    else continue;
    const payload = ip.subarray(ihl, total);
    if (protocol === 47) {
      gre.push({ frame, dir, t, hex: hex(payload) });
    } else if (protocol === 6) {
      const seq = payload.readUInt32BE(4);
      const flags = payload[13]!;
      if (flags & 0x02) isn.set(dir, seq);
      const body = payload.subarray((payload[12]! >> 4) * 4);
      if (body.length === 0) continue;
      const base = isn.get(dir);
      if (base === undefined) throw new Error(`frame ${frame}: TCP data before the SYN`);
      control.push({ frame, dir, t, seq: (seq - base) >>> 0, hex: hex(body) });
    }
  }

  const settings: Record<string, string> = {};
  for (const arg of settingArgs) {
    const eq = arg.indexOf('=');
    if (eq > 0) settings[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  const json = {
    source: `fixtures/golden/${basename(input)}`,
    description:
      'A complete session between the Debian reference client (pptp-linux 1.10.0 + pppd 2.4.9) and Debian pptpd 1.4.0 + pppd 2.4.9 with kernel MPPE, recorded on the lab bridge; see fixtures/golden/README.md.',
    client: clientIp,
    server: serverIp,
    user,
    /** The secret pptpd holds (chap-secrets). */
    password,
    /** The password the reference client used (differs in the wrong-password capture). */
    clientPassword: settings['PKL_CLIENT_PASSWORD'] ?? password,
    settings,
    frames: frame,
    control,
    gre,
  };
  writeFileSync(output, `${JSON.stringify(json, null, 2)}\n`);
  console.info(
    `${output}: ${control.length} control segments, ${gre.length} GRE packets of ${frame} frames`,
  );
}

main();
