/**
 * `@pptpkit/wire`: the tiny zero-dependency base shared by pptpkit's protocol codecs —
 * a bounds-checked byte reader and writer, the error classes with stable codes, hex and UTF-8
 * helpers, a constant-time comparison, the dotted-quad IPv4 parser and formatter, and the IPv4
 * datagram check.
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
export { formatIpv4, parseIpv4 } from './ipv4-address.js';
export { isIpv4Datagram } from './ipv4-datagram.js';
export { decodeUtf8, encodeUtf8 } from './utf8.js';
