/**
 * `@pptpkit/mppc`: Microsoft Point-to-Point Compression (RFC 2118) — a compressor and a
 * decompressor with the 8192-byte history, working on flags + payload so that they compose
 * with MPPE (RFC 3078), plus a standalone framing with its own 2-byte header for MPPC alone.
 * Dropped packets are negative statuses, never exceptions.
 *
 * @packageDocumentation
 */
export { MppcCompressor, type MppcCompressorOptions } from './compressor.js';
export {
  MPPC_COHERENCY_MASK,
  MPPC_FLAGS,
  MPPC_HEADER_LENGTH,
  MPPC_HISTORY_SIZE,
} from './constants.js';
export { MppcDecompressor, type MppcDecompressorOptions } from './decompressor.js';
export { MppcFramedCompressor, MppcFramedDecompressor } from './framed.js';
export { MPPC_STATUS, type MppcStatus, mppcStatusMessage } from './status.js';
