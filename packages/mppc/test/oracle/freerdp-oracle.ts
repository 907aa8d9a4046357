/**
 * FreeRDP's MPPC codec (libfreerdp2, RDP 4.0 bulk compression: RFC 2118 with the 8192-byte
 * history) as an oracle for the cross-check: `freerdp-mppc.c` is compiled with `cc` once per
 * content (cached under `os.tmpdir()`), then each {@link FreeRdpOracle.run} starts it with a
 * batch of requests on stdin and parses the responses. Every batch is a fresh process, so it
 * starts with fresh compressor and decompressor contexts (level 0) that live for the batch.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One request to the oracle process. */
export type OracleRequest =
  /** FreeRDP compresses the packet (1 byte or more) with its persistent compressor. */
  | { readonly op: 'compress'; readonly data: Uint8Array }
  /** FreeRDP decompresses the payload with the given RFC 2118 flags (A 0x80, B 0x40, C 0x20). */
  | { readonly op: 'decompress'; readonly flags: number; readonly data: Uint8Array }
  /** `mppc_context_reset` of the compressor; `flush` makes its next packet carry A. */
  | { readonly op: 'resetCompressor'; readonly flush: boolean }
  /** `mppc_context_reset` of the decompressor. */
  | { readonly op: 'resetDecompressor'; readonly flush: boolean };

/** One response: FreeRDP's status (1 = success, negative = its error code), flags and bytes. */
export interface OracleResponse {
  readonly status: number;
  /** `mppc_compress`'s packet flags; 0 for the other requests. */
  readonly flags: number;
  /** The payload (compress) or the packet (decompress); empty for resets. */
  readonly data: Uint8Array;
}

/** The running oracle, or why it is not available. */
export type FreeRdpOracle =
  | { readonly available: true; run(requests: readonly OracleRequest[]): OracleResponse[] }
  | { readonly available: false; readonly reason: string };

const SOURCE = fileURLToPath(new URL('./freerdp-mppc.c', import.meta.url));
const LIBRARY = 'libfreerdp2.so.2';

/** Compiles (or finds the cached build of) the C program; the binary path or the reason. */
function build(): { binary: string } | { reason: string } {
  const source = readFileSync(SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `pptpkit-mppc-oracle-${hash}`);
  const binary = join(dir, 'freerdp-mppc');
  if (existsSync(binary)) return { binary };
  mkdirSync(dir, { recursive: true });
  // Build to a private name, then rename: concurrent runs never see a half-written binary.
  const partial = `${binary}.${process.pid}`;
  const cc = spawnSync('cc', ['-O2', '-o', partial, SOURCE, `-l:${LIBRARY}`], {
    encoding: 'utf8',
  });
  if (cc.error !== undefined) {
    return { reason: `no C compiler: \`cc\` could not be run (${cc.error.message})` };
  }
  if (cc.status !== 0) {
    const missingLibrary = cc.stderr.includes(LIBRARY);
    return {
      reason: missingLibrary
        ? `${LIBRARY} is not installed (Debian: libfreerdp2-2; run scripts/test-deps.sh as root)`
        : `cc failed: ${cc.stderr.trim().split('\n').slice(0, 3).join(' | ')}`,
    };
  }
  renameSync(partial, binary);
  return { binary };
}

/** Runs the program on no input (it exits 0 at once): catches a library removed since the build. */
function check(binary: string): string | undefined {
  const probe = spawnSync(binary, [], {
    input: new Uint8Array(0),
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (probe.error !== undefined) return `the oracle could not be run (${probe.error.message})`;
  if (probe.status === 0) return undefined;
  return probe.stderr.includes(LIBRARY)
    ? `${LIBRARY} is not installed (Debian: libfreerdp2-2; run scripts/test-deps.sh as root)`
    : `the oracle failed to start: ${probe.stderr.trim().split('\n')[0]}`;
}

function encodeRequests(requests: readonly OracleRequest[]): Uint8Array {
  let total = 0;
  for (const r of requests) total += 9 + ('data' in r ? r.data.length : 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let o = 0;
  for (const r of requests) {
    const [op, arg] =
      r.op === 'compress'
        ? ['C', 0]
        : r.op === 'decompress'
          ? ['D', r.flags]
          : [r.op === 'resetCompressor' ? 'R' : 'r', r.flush ? 1 : 0];
    out[o] = op.charCodeAt(0);
    view.setUint32(o + 1, arg, true);
    const data = 'data' in r ? r.data : new Uint8Array(0);
    view.setUint32(o + 5, data.length, true);
    out.set(data, o + 9);
    o += 9 + data.length;
  }
  return out;
}

function decodeResponses(bytes: Uint8Array, count: number): OracleResponse[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const responses: OracleResponse[] = [];
  let o = 0;
  for (let i = 0; i < count; i++) {
    if (o + 12 > bytes.length) {
      throw new Error(`oracle answered ${i} of ${count} requests`);
    }
    const length = view.getUint32(o + 8, true);
    if (o + 12 + length > bytes.length) throw new Error('oracle response truncated');
    responses.push({
      status: view.getInt32(o, true),
      flags: view.getUint32(o + 4, true),
      data: bytes.slice(o + 12, o + 12 + length),
    });
    o += 12 + length;
  }
  if (o !== bytes.length) throw new Error('oracle sent more than it was asked for');
  return responses;
}

/**
 * Builds and returns the oracle; `available: false` with the reason when `cc` or
 * libfreerdp2 is missing.
 */
export function loadFreeRdpOracle(): FreeRdpOracle {
  const built = build();
  if ('reason' in built) return { available: false, reason: built.reason };
  const { binary } = built;
  const broken = check(binary);
  if (broken !== undefined) return { available: false, reason: broken };
  return {
    available: true,
    run(requests) {
      const result = spawnSync(binary, [], {
        input: encodeRequests(requests),
        maxBuffer: 64 * 1024 * 1024,
        timeout: 20_000,
        // FreeRDP logs codec errors through WLog; keep them off stdout (the response stream).
        env: { ...process.env, WLOG_LEVEL: 'OFF' },
      });
      if (result.error !== undefined) throw result.error;
      if (result.status !== 0) {
        throw new Error(`oracle exited with ${result.status}: ${String(result.stderr)}`);
      }
      return decodeResponses(new Uint8Array(result.stdout), requests.length);
    },
  };
}
