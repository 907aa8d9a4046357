/**
 * UTF-8 through the host's `TextEncoder`/`TextDecoder` (every Node, browser, Deno and Bun has
 * them), reached through a typed view of `globalThis` so protocol packages still compile
 * against the bare ES library with no DOM or Node types.
 *
 * @module
 */

/** The part of the WHATWG Encoding API this module uses. */
interface HostText {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (label?: string) => { decode(bytes: Uint8Array): string };
}

const host = globalThis as unknown as HostText;
const encoder = new host.TextEncoder();
const decoder = new host.TextDecoder('utf-8');

/** Encodes a string as UTF-8. Lone surrogates become U+FFFD. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8 leniently: malformed sequences become U+FFFD, never an exception. */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
