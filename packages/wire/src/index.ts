/**
 * `@pptpkit/wire`: the tiny zero-dependency base shared by pptpkit's protocol codecs —
 * a bounds-checked byte reader and writer, the error classes with stable codes, hex and UTF-8
 * helpers, and a constant-time comparison.
 *
 * @packageDocumentation
 */
export { ByteReader } from './byte-reader.js';
export { ByteWriter } from './byte-writer.js';
export { constantTimeEqual } from './constant-time.js';
export {
  AuthenticationError,
  DecodeError,
  type DecodeErrorDetails,
  type ErrorDetails,
  type ErrorKind,
  NegotiationError,
  PptpkitError,
  type PptpkitErrorOptions,
  ProtocolError,
  TimeoutError,
} from './errors.js';
export { fromHex, toHex } from './hex.js';
export { decodeUtf8, encodeUtf8 } from './utf8.js';
