import assert from 'node:assert/strict';
import {
  MppcCompressor,
  MppcDecompressor,
  type MppcStatus,
  mppcStatusMessage,
} from '@pptpkit/mppc';

// A PPP packet: protocol field (0x0021, IPv4) + data, here repetitive text that compresses well.
const text = 'GET /index.html HTTP/1.1\r\nHost: example.org\r\n\r\n'.repeat(8);
const pppPacket = new Uint8Array([0x00, 0x21, ...new TextEncoder().encode(text)]);

const compressor = new MppcCompressor();
const payload = new Uint8Array(1500);
const n = compressor.compress(pppPacket, payload); // payload[0..n): the compressed bytes
const flags = compressor.flags; // 0x80 A flushed | 0x40 B at front | 0x20 C compressed

const decompressor = new MppcDecompressor({ mru: 1500 });
const packet = new Uint8Array(1500);
const m = decompressor.decompress(flags, payload, packet, 0, n); // packet[0..m) === pppPacket
if (m < 0) throw new Error(mppcStatusMessage(m as MppcStatus)); // dropped: see the status table
assert.deepEqual(packet.subarray(0, m), pppPacket);
console.log(`${pppPacket.length} bytes -> ${n} (flags 0x${flags.toString(16)}) -> ${m}`);
// Ranged form, reading and writing inside larger buffers:
// decompressor.decompressRange(flags, buf, start, end, out, outOffset)
