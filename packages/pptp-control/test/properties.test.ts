import { DecodeError, PptpkitError } from '@pptpkit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONTROL_MESSAGE_LENGTHS,
  ControlFramer,
  decodeControlMessage,
  encodeControlMessage,
  MAX_CONTROL_MESSAGE_LENGTH,
  PacControlConnection,
  PnsControlConnection,
} from '../src/index.js';
import { anyControlMessage, chunk, concat } from './arbitraries.js';

const TYPES = 15;

describe('codec properties', () => {
  it('decode(encode(m)) equals m for every message type, at the exact length', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(anyControlMessage, (message) => {
        seen.add(message.type);
        const bytes = encodeControlMessage(message);
        const code = (bytes[8]! << 8) | bytes[9]!;
        expect(bytes.length).toBe(CONTROL_MESSAGE_LENGTHS[code]);
        expect(decodeControlMessage(bytes)).toEqual(message);
      }),
      { numRuns: 2000 },
    );
    expect(seen.size).toBe(TYPES);
  });

  it('arbitrary bytes decode to a message or throw a DecodeError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 260 }), (bytes) => {
        try {
          decodeControlMessage(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('mutated valid messages decode or throw a DecodeError, never anything else', () => {
    fc.assert(
      fc.property(
        anyControlMessage,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (message, flips) => {
          const bytes = encodeControlMessage(message);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          try {
            decodeControlMessage(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(DecodeError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('framer properties', () => {
  it('yields the same messages however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(anyControlMessage, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (messages, cuts) => {
          const encoded = messages.map((m) => encodeControlMessage(m));
          const stream = concat(encoded);
          const framer = new ControlFramer();
          const frames: Uint8Array[] = [];
          for (const part of chunk(stream, cuts)) {
            const result = framer.push(part);
            expect(result.error).toBeUndefined();
            frames.push(...result.messages);
            expect(framer.buffered).toBeLessThan(MAX_CONTROL_MESSAGE_LENGTH);
          }
          expect(framer.buffered).toBe(0);
          expect(frames).toEqual(encoded);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('arbitrary byte streams never throw, buffer at most one partial message, and stay failed', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), (parts) => {
        const framer = new ControlFramer();
        let failed: DecodeError | undefined;
        for (const part of parts) {
          const result = framer.push(part);
          if (failed !== undefined) {
            expect(result.error).toBe(failed);
            expect(result.messages).toEqual([]);
          } else if (result.error !== undefined) {
            expect(result.error).toBeInstanceOf(DecodeError);
            failed = result.error;
          }
          for (const m of result.messages)
            expect(() => decodeControlMessage(m, { reserved: 'ignore' })).not.toThrow();
          expect(framer.buffered).toBeLessThan(MAX_CONTROL_MESSAGE_LENGTH);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('fails at once on a declared length outside 16..220 instead of buffering', () => {
    for (const length of [0, 15, 221, 0xffff]) {
      const framer = new ControlFramer();
      const result = framer.push(new Uint8Array([length >> 8, length & 0xff]));
      expect(result.error?.code).toBe('PPTP_BAD_LENGTH');
      expect(framer.buffered).toBe(0);
    }
  });
});

describe('state machines never throw on peer input', () => {
  const random = (seed: number) => {
    let x = seed >>> 0 || 1;
    return (n: number) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        out[i] = x & 0xff;
      }
      return out;
    };
  };

  it('PNS and PAC accept any sequence of valid or garbage chunks and end only with typed reasons', () => {
    const input = fc.array(
      fc.oneof(
        anyControlMessage.map((m) => encodeControlMessage(m)),
        fc.uint8Array({ maxLength: 64 }),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(input, fc.nat(), fc.boolean(), (chunks, seed, server) => {
        const core = server
          ? new PacControlConnection({ randomBytes: random(seed) })
          : new PnsControlConnection({ randomBytes: random(seed) });
        core.start(0);
        let now = 0;
        for (const bytes of chunks) {
          now += 1000;
          const actions = [...core.receive(bytes, now), ...core.timeout(now)];
          for (const action of actions) {
            if (action.type === 'down' || action.type === 'call-down') {
              expect(action.reason).toBeInstanceOf(PptpkitError);
              expect(action.reason.code).toMatch(/^PPTP_/);
            }
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
